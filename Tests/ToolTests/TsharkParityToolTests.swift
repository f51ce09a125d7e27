import Foundation
import Testing

/// Where rtpstat and rtpjb must see a capture as tshark does: times from the capture's first
/// record, RTP only for flows that pass probation, several captures in one run.
@Suite("rtpstat and rtpjb count time and streams as tshark does")
struct TsharkParityToolTests {
  static let tshark = Shell.has("tshark")
  static let corpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("shared/corpus")

  /// A pcap whose first record, at 1000 s, is a TCP SYN (Ethernet, IPv4, TCP: 54 bytes).
  static func tcpRecord() -> Data {
    func little32(_ value: UInt32) -> [UInt8] {
      [
        UInt8(value & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value >> 16 & 0xFF),
        UInt8(value >> 24),
      ]
    }
    var bytes = little32(0xA1B2_C3D4) + [2, 0, 4, 0] + little32(0) + little32(0)
    bytes += little32(65535) + little32(1)
    let ethernet = [UInt8](repeating: 0, count: 12) + [0x08, 0x00]
    let ipv4: [UInt8] = [0x45, 0, 0, 40, 0, 0, 0x40, 0, 64, 6, 0, 0, 127, 0, 0, 1, 127, 0, 0, 1]
    let tcp: [UInt8] = [
      0x13, 0xC4, 0x13, 0xC4, 0, 0, 0, 1, 0, 0, 0, 0, 0x50, 0x02, 0xFF, 0xFF, 0, 0, 0, 0,
    ]
    let frame = ethernet + ipv4 + tcp
    bytes += little32(1000) + little32(0) + little32(UInt32(frame.count))
    bytes += little32(UInt32(frame.count)) + frame
    return Data(bytes)
  }

  @Test("Start and end times count from the capture's first record, a TCP one here")
  func timesFromFirstRecord() throws {
    let dir = Shell.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    try Self.tcpRecord().write(to: dir.appendingPathComponent("mixed.pcap"))
    let made = Shell.run(
      "rtpgen --count 5 --seed 1 --start 1000.5 | tail -c +25 >> mixed.pcap", in: dir)
    try #require(made.status == 0)
    let table = Shell.run("rtpstat mixed.pcap", in: dir)
    #expect(table.status == 0, "\(table.stderr)")
    try #require(table.lines.count == 2)
    let cells = table.lines[1].split(separator: " ")
    #expect(cells[0] == "0.500000" && cells[1] == "0.580000", "\(table.lines[1])")
    let json = Shell.run("rtpstat --json mixed.pcap", in: dir)
    #expect(json.output.contains(#""start":0.500000,"end":0.580000"#), "\(json.output)")
    guard Self.tshark else { return }
    let oracle = Shell.run(
      "tshark -n -q -r mixed.pcap --enable-heuristic rtp_udp -z rtp,streams", in: dir)
    let row = oracle.lines.first { $0.contains("0x89025CC1") }
    let expected = try #require(row).split(separator: " ")
    #expect(expected[0] == cells[0] && expected[1] == cells[1])
  }

  @Test("A lone datagram that parses as RTP is no stream: skipped and counted, 65 for rtpjb")
  func loneDatagram() throws {
    let dir = Shell.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    // One packet of SSRC 1, then a real stream of 20 from another SSRC and port.
    let made = Shell.run(
      """
      rtpgen --count 1 --ssrc 1 --seed 1 --dst 127.0.0.1:137 > two.pcap
      rtpgen --count 20 --ssrc 2 --seed 1 --start 1 | tail -c +25 >> two.pcap
      rtpgen --count 1 --ssrc 1 --seed 1 > one.pcap
      """, in: dir)
    try #require(made.status == 0)
    let stat = Shell.run("rtpstat --stats two.pcap", in: dir)
    #expect(stat.status == 0)
    #expect(stat.lines.count == 2 && stat.lines[1].contains("0x00000002"), "\(stat.output)")
    #expect(
      stat.stderr.contains(
        "rtpstat: two.pcap: skipped 1 packets: 1 RTP-like with no two packets of their flow in sequence"
      ), "\(stat.stderr)")
    #expect(stat.stderr.contains(#""read":21,"streams":1,"packets":20"#), "\(stat.stderr)")
    #expect(stat.stderr.contains(#""skipped":1"#))
    let list = Shell.run("rtpjb --list two.pcap", in: dir)
    #expect(list.status == 0)
    #expect(list.lines.count == 2 && list.lines[1].hasPrefix("1  0x00000002"), "\(list.output)")
    #expect(list.stderr.contains("1 RTP-like"))
    let second = Shell.run("rtpjb --stream 2 two.pcap", in: dir)
    #expect(second.status == 65)
    #expect(second.stderr.contains("--stream 2: the input has 1 RTP streams"), "\(second.stderr)")
    let none = Shell.run("rtpjb --stats one.pcap > out.pcap", in: dir)
    #expect(none.status == 65)
    #expect(none.stderr.hasSuffix("rtpjb: one.pcap: no RTP stream\n"), "\(none.stderr)")
    // The skip line and --stats are printed on this exit path too.
    #expect(none.stderr.hasPrefix("rtpjb: one.pcap: skipped 1 packets: 1 RTP-like"))
    #expect(none.stderr.contains(#"{"read":1,"ready":0,"#), "\(none.stderr)")
    #expect(none.stderr.contains(#""skipped":1,"otherStreams":0,"#), "\(none.stderr)")
    let noneListed = Shell.run("rtpjb --list one.pcap", in: dir)
    #expect(noneListed.status == 65, "\(noneListed.stderr)")
    // The lone packet is still taken when asked for by SSRC.
    let bySSRC = Shell.run("rtpjb --ssrc 1 --stats one.pcap > out.pcap", in: dir)
    #expect(bySSRC.status == 0, "\(bySSRC.stderr)")
    #expect(bySSRC.stderr.contains(#""ready":1"#))
  }

  @Test("The corpus' NetBIOS broadcast that parses as RTP is not listed as a stream")
  func corpusNetBIOS() throws {
    let capture = Self.corpus.appendingPathComponent("wss_cisco_sip_tcp_opus_h264.pcap")
    guard FileManager.default.fileExists(atPath: capture.path) else {
      print("skipped: \(capture.path) is not here")
      return
    }
    let stat = Shell.run("rtpstat --json '\(capture.path)'")
    #expect(stat.status == 0)
    #expect(!stat.output.contains(#""srcPort":137"#))
    #expect(stat.output.components(separatedBy: "\"ssrc\"").count - 1 == 8)
    let list = Shell.run("rtpjb --list '\(capture.path)'")
    #expect(list.lines.count == 9, "\(list.output)")
    #expect(!list.output.contains(":137"))
  }

  @Test("rtpstat takes several captures, each analysed on its own, rows labelled by file")
  func severalCaptures() throws {
    let dir = Shell.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    try Self.tcpRecord().write(to: dir.appendingPathComponent("late.pcap"))
    let made = Shell.run(
      """
      rtpgen --count 5 --seed 1 > a.pcap
      rtpgen --count 3 --seed 2 --start 1000.25 | tail -c +25 >> late.pcap
      """, in: dir)
    try #require(made.status == 0)
    let table = Shell.run("rtpstat --stats a.pcap late.pcap", in: dir)
    #expect(table.status == 0, "\(table.stderr)")
    try #require(table.lines.count == 3)
    #expect(table.lines[0].hasPrefix("File "))
    #expect(table.lines[1].hasPrefix("a.pcap ") && table.lines[1].contains(" 0.000000 "))
    // Each capture's times count from its own first record.
    #expect(table.lines[2].hasPrefix("late.pcap ") && table.lines[2].contains(" 0.250000 "))
    #expect(table.stderr.contains(#""read":9,"streams":2,"packets":8"#), "\(table.stderr)")
    let json = Shell.run("rtpstat --json a.pcap late.pcap", in: dir)
    #expect(json.output.contains(#"{"file":"a.pcap","ssrc":"#))
    #expect(json.output.contains(#"{"file":"late.pcap","ssrc":"#))
    // One file alone keeps tshark's layout; a missing one is reported and the rest analysed.
    let single = Shell.run("rtpstat a.pcap", in: dir)
    #expect(single.lines.first?.hasPrefix("       Start time") == true)
    let missing = Shell.run("rtpstat a.pcap gone.pcap late.pcap", in: dir)
    #expect(missing.status == 66)
    #expect(missing.lines.count == 3)
    #expect(missing.stderr.contains("rtpstat: gone.pcap: "), "\(missing.stderr)")
    #expect(Shell.run("rtpstat --plot p.svg a.pcap late.pcap", in: dir).status == 64)
  }

  @Test(
    "rtpjb --list with --stream or --ssrc is a usage error", arguments: ["--stream 1", "--ssrc 5"])
  func listWithSelection(option: String) {
    let result = Shell.run("rtpgen --count 3 --seed 1 | rtpjb --list \(option)")
    #expect(result.status == 64, "\(result.stderr)")
    #expect(result.stdout.isEmpty)
  }
}
