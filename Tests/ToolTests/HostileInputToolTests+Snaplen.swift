import Foundation
import Testing

/// Records cut short by the capture (`editcap -s`, `tcpdump -s`, `rtpdump -F header`) with the
/// RTP header whole: rtpstat counts them as packets from their headers, as tshark does; rtpjb
/// lists them with their stream, keeps them out of what it plays and counts them; rtpsend skips
/// them with a count rather than send the first bytes of a packet.
extension HostileInputToolTests {
  /// `bytes`, a capture in `format` whose records begin at `first`, with each record (1-based
  /// index, header and data) replaced by what `change` makes of it; records found by
  /// ``recordEnds(_:format:)``.
  static func rewritten(
    _ bytes: [UInt8], format: String, first: Int, _ change: (Int, [UInt8]) -> [UInt8]
  ) -> [UInt8] {
    var out = Array(bytes[0..<first])
    var start = first
    for (offset, end) in recordEnds(bytes, format: format).enumerated() {
      out += change(offset + 1, Array(bytes[start..<end]))
      start = end
    }
    return out
  }

  /// The pcap `bytes` (little-endian, as our writer makes it) with records `cut` (1-based)
  /// keeping only their first `keep` bytes, their original length left as it was.
  static func snapped(_ bytes: [UInt8], records cut: ClosedRange<Int>, keep: Int) -> [UInt8] {
    rewritten(bytes, format: "pcap", first: 24) { index, record in
      guard cut.contains(index), record.count - 16 > keep else { return record }
      var header = Array(record[0..<16])
      storeLittle(UInt32(keep), in: &header, at: 8)
      return header + record[16..<(16 + keep)]
    }
  }

  /// The rtpdump `bytes` with records `cut` (1-based) keeping only their 12-byte RTP header, as
  /// `rtpdump -F header` writes them: the record length shrinks, the packet length stays.
  static func headersOnly(_ bytes: [UInt8], records cut: ClosedRange<Int>) -> [UInt8] {
    rewritten(bytes, format: "rtpdump", first: bytes.firstIndex(of: 0x0A)! + 1 + 16) {
      index, record in
      guard cut.contains(index) else { return record }
      return [0, 20] + record[2..<20]
    }
  }

  @Test("editcap -s 60: rtpstat reports the stream as the whole capture does, and as tshark does")
  func snaplenHeadersCounted() throws {
    guard Shell.has("editcap") else {
      print("skipped: editcap is not installed (scripts/setup installs it)")
      return
    }
    let dir = Shell.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let made = Shell.run(
      "rtpgen --count 300 --seed 8 > whole.pcap && editcap -s 60 whole.pcap cut.pcap", in: dir)
    try #require(made.status == 0, "\(made.stderr)")
    let whole = Shell.run("rtpstat --json whole.pcap", in: dir)
    let cut = Shell.run("rtpstat --json --stats cut.pcap", in: dir)
    #expect(cut.status == 0, "\(cut.stderr)")
    #expect(cut.output == whole.output.replacingOccurrences(of: "whole.pcap", with: "cut.pcap"))
    #expect(cut.output.contains(#""packets":300"#), "\(cut.output)")
    let lines = Self.lines(cut.stderr)
    let note =
      "rtpstat: cut.pcap: 300 RTP packets cut short by the snaplen: counted from their headers"
    #expect(lines.first.map(String.init) == note, "\(cut.stderr)")
    #expect(lines.last?.contains(#""packets":300,"#) == true, "\(cut.stderr)")
    #expect(lines.last?.contains(#""truncated":300"#) == true, "\(cut.stderr)")
    guard Shell.has("tshark") else {
      print("skipped: tshark is not installed (scripts/setup installs it)")
      return
    }
    let tshark = Shell.run(
      "tshark -n -q -o rtp.heuristic_rtp:TRUE -z rtp,streams -r cut.pcap", in: dir)
    try #require(tshark.status == 0, "\(tshark.stderr)")
    let row = tshark.lines.first { $0.contains("0x") }
    #expect(row?.contains(" 300 ") == true, "tshark: \(tshark.output)")
  }

  @Test("A header cut inside the RTP header is invalid RTP, not a packet")
  func snaplenInsideRTPHeader() throws {
    let dir = Shell.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let made = Shell.run("rtpgen --count 20 --seed 8 > whole.pcap", in: dir)
    try #require(made.status == 0, "\(made.stderr)")
    // Ethernet 14, IPv4 20, UDP 8: 50 bytes leave 8 of the 12-byte RTP header.
    let bytes = try Self.bytes(dir.appendingPathComponent("whole.pcap"))
    try Data(Self.snapped(bytes, records: 1...20, keep: 50))
      .write(to: dir.appendingPathComponent("cut.pcap"))
    let stat = Shell.run("rtpstat --stats cut.pcap", in: dir)
    #expect(stat.status == 0, "\(stat.stderr)")
    #expect(stat.stderr.contains("skipped 20 packets: 20 invalid RTP"), "\(stat.stderr)")
    #expect(stat.stderr.contains(#""streams":0,"#), "\(stat.stderr)")
    let jb = Shell.run("rtpjb -o out.pcap cut.pcap", in: dir)
    #expect(jb.status == 65, "\(jb.stderr)")
    #expect(jb.stderr.hasSuffix("rtpjb: cut.pcap: no RTP stream\n"), "\(jb.stderr)")
  }

  @Test(
    "Ten packets cut short in a stream: rtpjb lists all, plays the rest with silence for them, counts them; rtpsend skips them"
  )
  func snaplenInsideStream() throws {
    let dir = Shell.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let made = Shell.run("rtpgen --count 200 --seed 9 > whole.pcap", in: dir)
    try #require(made.status == 0, "\(made.stderr)")
    let bytes = try Self.bytes(dir.appendingPathComponent("whole.pcap"))
    try Data(Self.snapped(bytes, records: 51...60, keep: 60))
      .write(to: dir.appendingPathComponent("cut.pcap"))

    let list = Shell.run("rtpjb --list cut.pcap", in: dir)
    #expect(list.status == 0, "\(list.stderr)")
    #expect(list.lines.count == 2 && list.lines[1].contains(" 200 "), "\(list.output)")

    let played = Shell.run("rtpjb --stats -o out.pcap cut.pcap", in: dir)
    #expect(played.status == 0, "\(played.stderr)")
    let lines = Self.lines(played.stderr)
    #expect(
      lines.first
        == "rtpjb: cut.pcap: 10 packets of the stream cut short by the snaplen: not played",
      "\(played.stderr)")
    #expect(lines.last?.contains(#""read":200,"ready":190,"#) == true, "\(played.stderr)")
    #expect(lines.last?.contains(#""truncated":10,"#) == true, "\(played.stderr)")
    let recount = Shell.run("rtpstat --json out.pcap", in: dir)
    #expect(recount.output.contains(#""packets":190"#), "\(recount.output)")
    #expect(recount.output.contains(#""lost":10"#), "\(recount.output)")

    // Payload output: every packet's 160 bytes, the cut ones as µ-law silence.
    let payload = Shell.run("rtpjb --output payload -o out.raw cut.pcap", in: dir)
    #expect(payload.status == 0, "\(payload.stderr)")
    let raw = try Self.bytes(dir.appendingPathComponent("out.raw"))
    try #require(raw.count == 200 * 160, "\(raw.count) bytes")
    #expect(raw[(50 * 160)..<(60 * 160)].allSatisfy { $0 == 0xFF })
    let original = Shell.run("rtpjb --output payload -o whole.raw whole.pcap", in: dir)
    try #require(original.status == 0, "\(original.stderr)")
    let expected = try Self.bytes(dir.appendingPathComponent("whole.raw"))
    #expect(raw[0..<(50 * 160)] == expected[0..<(50 * 160)])
    #expect(raw[(60 * 160)...] == expected[(60 * 160)...])

    let sent = Shell.run("rtpsend --pace none --stats --to 127.0.0.1:9 cut.pcap", in: dir)
    #expect(sent.status == 0, "\(sent.stderr)")
    #expect(
      sent.stderr.contains("rtpsend: cut.pcap: skipped 10 packets: 10 cut short by the snaplen"),
      "\(sent.stderr)")
    #expect(sent.stderr.contains(#""sent":190,"#), "\(sent.stderr)")
  }

  @Test("A stream every packet of which is cut short: rtpjb says so and exits 65")
  func snaplenWholeStream() throws {
    let dir = Shell.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let made = Shell.run("rtpgen --count 30 --seed 9 > whole.pcap", in: dir)
    try #require(made.status == 0, "\(made.stderr)")
    let bytes = try Self.bytes(dir.appendingPathComponent("whole.pcap"))
    try Data(Self.snapped(bytes, records: 1...30, keep: 54))
      .write(to: dir.appendingPathComponent("cut.pcap"))
    let played = Shell.run("rtpjb --stats -o out.pcap cut.pcap", in: dir)
    #expect(played.status == 65, "\(played.stderr)")
    #expect(
      played.stderr.hasSuffix(
        "rtpjb: cut.pcap: every packet of the stream was cut short by the snaplen: nothing to "
          + "play (rtpstat counts their headers)\n"), "\(played.stderr)")
    #expect(played.stderr.contains(#""truncated":30,"#), "\(played.stderr)")
  }

  @Test("rtpdump header-only records: counted by rtpstat, never sent as packets by rtpsend")
  func rtpdumpHeaderOnly() throws {
    let dir = Shell.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let made = Shell.run("rtpgen --count 40 --seed 4 --format rtpdump > whole.rtp", in: dir)
    try #require(made.status == 0, "\(made.stderr)")
    let bytes = try Self.bytes(dir.appendingPathComponent("whole.rtp"))
    try Data(Self.headersOnly(bytes, records: 1...40))
      .write(to: dir.appendingPathComponent("headers.rtp"))
    let stat = Shell.run("rtpstat --stats headers.rtp", in: dir)
    #expect(stat.status == 0, "\(stat.stderr)")
    #expect(stat.stderr.contains(#""packets":40,"#), "\(stat.stderr)")
    #expect(stat.stderr.contains(#""truncated":40"#), "\(stat.stderr)")
    let sent = Shell.run("rtpsend --pace none --stats --to 127.0.0.1:9 headers.rtp", in: dir)
    #expect(sent.status == 65, "\(sent.stderr)")
    #expect(
      sent.stderr.contains("skipped 40 packets: 40 cut short by the snaplen"), "\(sent.stderr)")
    #expect(sent.stderr.contains(#""sent":0,"#), "\(sent.stderr)")
  }
}
