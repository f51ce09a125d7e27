import Foundation
import Testing

/// Capture times that an output format cannot hold are refused with one line and 65, never
/// clamped; pcapng holds every capture time, before 1970 included.
@Suite("Capture times the output cannot hold")
struct CaptureTimeToolTests {
  typealias B = TimeCaptureBuilder

  /// Three µ-law packets 20 ms apart on an interface whose `if_tsoffset` is `offsetSeconds`.
  static func offsetCapture(in dir: URL, offsetSeconds: Int64) throws {
    let frames = try B.frames(in: dir)
    let packets = frames.enumerated().map {
      B.Packet(interface: 0, ticks: UInt64($0.offset) * 20_000, frame: $0.element)
    }
    let bytes = B.pcapng(interfaces: [.init(offsetSeconds: offsetSeconds)], packets: packets)
    try Data(bytes).write(to: dir.appendingPathComponent("in.pcapng"))
  }

  @Test(
    "rtpjb refuses times pcap and rtpdump cannot hold (1938, 2106-04) with one line and 65; pcapng keeps them exactly",
    arguments: [
      (Int64(-1_000_000_000), "-1000000000.000000000"), (4_300_000_000, "4300000000.000000000"),
    ])
  func rtpjbRefuses(offsetSeconds: Int64, first: String) throws {
    let dir = Shell.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    try Self.offsetCapture(in: dir, offsetSeconds: offsetSeconds)
    for format in ["pcap", "pcap-ns", "rtpdump"] {
      let run = Shell.run("rtpjb --format \(format) -o out in.pcapng", in: dir)
      #expect(run.status == 65, "\(format): \(run.stderr)")
      let lines = run.stderr.split(separator: "\n")
      #expect(lines.count == 1, "\(format): \(run.stderr)")
      let name = format == "pcap-ns" ? "pcap" : format
      #expect(
        lines.first?.hasPrefix(
          "rtpjb: out: 3 packets not written: \(name) cannot hold their times (the first \(first) s from the epoch; "
        ) == true, "\(format): \(run.stderr)")
      #expect(lines.first?.hasSuffix("; pcapng can") == true, "\(format): \(run.stderr)")
      // Nothing past the file header: no packet was clamped into it.
      let written = Shell.run("rtpstat --json out", in: dir)
      #expect(written.output == "[]\n", "\(format): \(written.output) \(written.stderr)")
    }
    let kept = Shell.run(
      "rtpjb --format pcapng -o out.pcapng in.pcapng && rtpjb --output events out.pcapng > after"
        + " && rtpjb --output events in.pcapng > before && cmp before after && cat after",
      in: dir)
    #expect(kept.status == 0, "\(kept.stderr)")
    #expect(kept.stderr.isEmpty, "\(kept.stderr)")
    // The stream line, then one line per packet.
    #expect(kept.lines.count == 4, "\(kept.output)")
    #expect(kept.output.contains(first), "\(kept.output)")
    if Shell.has("tshark") {
      let epoch = Shell.run(
        "tshark -r out.pcapng -T fields -e frame.time_epoch 2>/dev/null | head -1", in: dir)
      #expect(epoch.output.hasPrefix(first), "tshark: \(epoch.output)")
    }
  }

  @Test("rtpgen past 2106: the packets before it in pcap, then one line and 65; pcapng holds all")
  func rtpgenPast2106() throws {
    let dir = Shell.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let pcap = Shell.run(
      "rtpgen --start 4294967295 --count 100 --pt 0 --seed 1 > out.pcap", in: dir)
    #expect(pcap.status == 65, "\(pcap.stderr)")
    #expect(
      pcap.stderr
        == "rtpgen: stdout: 1 packets not written: pcap cannot hold their times (the first "
        + "4294967296.000000000 s from the epoch; it holds 0 to 4294967295.999999999 s); "
        + "pcapng can\n")
    let written = Shell.run("rtpjb --list out.pcap", in: dir)
    #expect(written.lines.count == 2 && written.lines[1].contains("  50  "), "\(written.output)")
    let pcapng = Shell.run(
      "rtpgen --start 4294967295 --count 100 --pt 0 --seed 1 --format pcapng | rtpjb --list",
      in: dir)
    #expect(pcapng.status == 0, "\(pcapng.stderr)")
    #expect(pcapng.lines.count == 2 && pcapng.lines[1].contains("  100  "), "\(pcapng.output)")
  }
}
