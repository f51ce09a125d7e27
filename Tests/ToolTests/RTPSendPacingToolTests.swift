import Foundation
import Testing

/// rtpsend's pacing on the clock of a dynamic payload type, its gaps (far, saturated, cut), and
/// what it says when the input has no RTP or no send succeeds. Over loopback, bounded in
/// packets and in time (`timeout`, rtprecv's --idle-timeout); no test asserts a duration beyond
/// "not a burst".
@Suite("rtpsend: clock rates, long gaps, nothing to send", .serialized)
struct RTPSendPacingToolTests {
  typealias Loopback = RTPSendRecvToolTests

  /// A pcap of `rtpgen --count N` with its records patched by `patch(record offset, bytes)`.
  static func patchedCapture(
    count: Int, in directory: URL, name: String, patch: (Int, inout [UInt8]) -> Void
  ) throws -> URL {
    let made = Shell.run("rtpgen --count \(count) --seed 7 > \(name)", in: directory)
    try #require(made.status == 0, "\(made.stderr)")
    let url = directory.appendingPathComponent(name)
    var bytes = [UInt8](try Data(contentsOf: url))
    try #require(Array(bytes[0..<4]) == [0xD4, 0xC3, 0xB2, 0xA1], "a little-endian µs pcap")
    var offset = 24
    while offset + 16 <= bytes.count {
      let length =
        Int(bytes[offset + 8]) | Int(bytes[offset + 9]) << 8 | Int(bytes[offset + 10]) << 16
        | Int(bytes[offset + 11]) << 24
      patch(offset, &bytes)
      offset += 16 + length
    }
    try Data(bytes).write(to: url)
    return url
  }

  static func storeLittle32(_ value: UInt32, in bytes: inout [UInt8], at offset: Int) {
    for index in 0..<4 { bytes[offset + index] = UInt8(truncatingIfNeeded: value >> (8 * index)) }
  }

  /// The arrival span (ns) of the datagrams in rtprecv's capture in `directory`.
  static func arrivalSpan(_ directory: URL) throws -> (count: Int, span: Int64) {
    let captured = try Loopback.read(directory.appendingPathComponent("recv.pcap").path)
    guard let first = captured.map(\.time).min(), let last = captured.map(\.time).max() else {
      return (0, 0)
    }
    return (captured.count, last - first)
  }

  @Test("--pace rtp with a dynamic payload type infers 16 kHz from the capture, says so, paces")
  func inferredClockRate() throws {
    let directory = Shell.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let port = Loopback.port()
    // 100 packets 20 ms apart on a 16 kHz clock, at 4x: 0.495 s from first to last, where a
    // burst (the clock unknown) takes well under a millisecond.
    let result = Loopback.exchange(
      port: port, receive: "--listen 127.0.0.1:\(port) --count 100 --idle-timeout 5",
      send:
        "rtpgen --pt 96 --encoding l16 --rate 16000 --tone 1000 --duration 2 | rtpsend --pace rtp"
        + " --speed 4 --to 127.0.0.1:\(port) 2> send.err",
      in: directory)
    #expect(result.status == 0, "\(result.stderr)")
    #expect(Loopback.status(directory) == 0)
    let (count, span) = try Self.arrivalSpan(directory)
    #expect(count == 100)
    #expect(span >= 400_000_000, "100 packets in \(span) ns: a burst")
    let errors = try String(
      contentsOf: directory.appendingPathComponent("send.err"), encoding: .utf8)
    let lines = errors.split(separator: "\n").filter { $0 != "Killed" }
    #expect(lines.count == 1, "\(errors)")
    #expect(lines.first?.hasPrefix("rtpsend: stdin: payload type 96: clock rate 16000 Hz") == true)
    #expect(errors.contains("--clock-rate 96=HZ"))
  }

  @Test("--clock-rate PT=HZ is the clock --pace rtp follows, without inferring")
  func givenClockRate() throws {
    let directory = Shell.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let port = Loopback.port()
    // 320-tick steps said to be on an 8 kHz clock: 40 ms each, 3.96 s in all, 0.495 s at 8x
    // (at the true 16 kHz it would be half that).
    let result = Loopback.exchange(
      port: port, receive: "--listen 127.0.0.1:\(port) --count 100 --idle-timeout 5",
      send:
        "rtpgen --pt 96 --encoding l16 --rate 16000 --tone 1000 --duration 2 | rtpsend --pace rtp"
        + " --clock-rate 96=8000 --speed 8 --to 127.0.0.1:\(port) 2> send.err",
      in: directory)
    #expect(result.status == 0, "\(result.stderr)")
    let (count, span) = try Self.arrivalSpan(directory)
    #expect(count == 100)
    #expect(span >= 400_000_000, "span \(span) ns")
    let errors = try String(
      contentsOf: directory.appendingPathComponent("send.err"), encoding: .utf8)
    #expect(errors.isEmpty, "\(errors)")
  }

  @Test(
    "A dynamic payload type whose clock cannot be inferred is one line naming --clock-rate, 65",
    arguments: ["--pace rtp", "--rtcp"])
  func uninferableClockRate(mode: String) {
    let result = Shell.run(
      "rtpgen --pt 97 --encoding l16 --rate 16000 --count 1 | rtpsend \(mode) --to 127.0.0.1:9")
    #expect(result.status == 65, "\(result.stderr)")
    let lines = result.stderr.split(separator: "\n")
    #expect(lines.count == 1, "\(result.stderr)")
    #expect(lines.first?.hasPrefix("rtpsend: stdin: payload type 97: ") == true)
    #expect(result.stderr.contains("--clock-rate 97=HZ"))
  }

  // The waits below are ended by SIGKILL: a test process may start its children with SIGTERM
  // blocked, and a trap would end them sooner, with another status (132). The shell's "Killed"
  // may land in the same file as rtpsend's standard error; it is left out.
  @Test("A gap past Int64 nanoseconds (--speed 1e-12) is said once and waited, not a trap")
  func saturatedGap() throws {
    let directory = Shell.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let result = Shell.run(
      "rtpgen --count 2 --seed 1 | timeout -s KILL 2 rtpsend --speed 1e-12 --to 127.0.0.1:9"
        + " 2> send.err", in: directory)
    #expect(result.status == 137, "\(result.status): \(result.stderr)")
    let errors = try String(
      contentsOf: directory.appendingPathComponent("send.err"), encoding: .utf8)
    #expect(
      errors.split(separator: "\n").filter { $0 != "Killed" } == [
        "rtpsend: stdin: the next packet is due never (more than 292 years away); --max-gap cuts long gaps"
      ])
  }

  @Test("--max-gap cuts gaps: 1e-12 speed and a 136-year capture both finish, every packet sent")
  func maxGap() throws {
    let directory = Shell.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    // Two packets at t = 0 and t = 4294967295 s.
    var record = 0
    _ = try Self.patchedCapture(count: 2, in: directory, name: "far.pcap") { offset, bytes in
      Self.storeLittle32(record == 0 ? 0 : 0xFFFF_FFFF, in: &bytes, at: offset)
      Self.storeLittle32(0, in: &bytes, at: offset + 4)
      record += 1
    }
    for command in [
      "rtpgen --count 2 --seed 1 | rtpsend --speed 1e-12", "rtpsend --speed 0.25 far.pcap",
      "rtpsend far.pcap",
    ] {
      let port = Loopback.port()
      let result = Loopback.exchange(
        port: port, receive: "--listen 127.0.0.1:\(port) --count 2 --idle-timeout 5",
        send:
          "timeout 10 \(command) --max-gap 0.2 --to 127.0.0.1:\(port) --stats 2> send.err;"
          + " echo $? > send.rc",
        in: directory)
      #expect(result.status == 0, "\(command): \(result.stderr)")
      let rc = try String(contentsOf: directory.appendingPathComponent("send.rc"), encoding: .utf8)
      #expect(rc == "0\n", "\(command)")
      #expect(Loopback.status(directory) == 0, "\(command)")
      let (count, span) = try Self.arrivalSpan(directory)
      #expect(count == 2, "\(command)")
      #expect(span >= 150_000_000, "\(command): the cut gap is 0.2 s, not 0: \(span) ns")
      let stats = Loopback.stats(directory.appendingPathComponent("send.err").path)
      #expect(stats["sent"] == 2, "\(command)")
    }
  }

  @Test(
    "Without --max-gap, the 136-year gap of a capture at t = 0 and 4294967295 is said and waited",
    arguments: [("", "in 42949672"), ("--speed 0.25", "never (more than 292 years away)")])
  func farGap(speed: String, when: String) throws {
    let directory = Shell.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    var record = 0
    _ = try Self.patchedCapture(count: 2, in: directory, name: "far.pcap") { offset, bytes in
      Self.storeLittle32(record == 0 ? 0 : 0xFFFF_FFFF, in: &bytes, at: offset)
      record += 1
    }
    let result = Shell.run(
      "timeout -s KILL 2 rtpsend \(speed) --to 127.0.0.1:9 far.pcap 2> send.err", in: directory)
    #expect(result.status == 137, "\(result.status): \(result.stderr)")
    let errors = try String(
      contentsOf: directory.appendingPathComponent("send.err"), encoding: .utf8)
    let lines = errors.split(separator: "\n").filter { $0 != "Killed" }
    #expect(lines.count == 1, "\(errors)")
    #expect(
      lines.first?.hasPrefix("rtpsend: far.pcap: the next packet is due \(when)") == true,
      "\(errors)")
  }

  @Test("A capture of TCP only: the skipped line, 'no RTP packets', status 65, --stats")
  func noRTP() throws {
    let directory = Shell.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    // rtpgen's records, their IPv4 protocol (17, UDP) made 6 (TCP).
    _ = try Self.patchedCapture(count: 5, in: directory, name: "tcponly.pcap") { offset, bytes in
      bytes[offset + 16 + 14 + 9] = 6
    }
    let result = Shell.run("rtpsend --stats --to 127.0.0.1:9 tcponly.pcap", in: directory)
    #expect(result.status == 65, "\(result.stderr)")
    let lines = result.stderr.split(separator: "\n")
    #expect(lines.count == 3, "\(result.stderr)")
    #expect(lines.first == "rtpsend: tcponly.pcap: skipped 5 packets: 5 not UDP")
    #expect(lines.last == "rtpsend: tcponly.pcap: no RTP packets")
    #expect(result.stderr.contains("\"read\":0,\"sent\":0"))
    #expect(result.stderr.contains("\"skipped\":5"))
  }

  @Test("Some TCP among the RTP: the skipped line, the RTP sent, status 0")
  func someSkipped() throws {
    let directory = Shell.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    var record = 0
    _ = try Self.patchedCapture(count: 6, in: directory, name: "mixed.pcap") { offset, bytes in
      if record % 3 == 0 { bytes[offset + 16 + 14 + 9] = 6 }
      record += 1
    }
    let result = Shell.run(
      "rtpsend --pace none --stats --to 127.0.0.1:9 mixed.pcap", in: directory)
    #expect(result.status == 0, "\(result.stderr)")
    let lines = result.stderr.split(separator: "\n")
    #expect(lines.first == "rtpsend: mixed.pcap: skipped 2 packets: 2 not UDP")
    #expect(result.stderr.contains("\"read\":4,"))
  }

  @Test("UDP that is not RTP is sent, but a capture of nothing else is still 65")
  func udpNotRTP() throws {
    let directory = Shell.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    // Version 0 in the first octet: UDP, not RTP.
    _ = try Self.patchedCapture(count: 3, in: directory, name: "udp.pcap") { offset, bytes in
      bytes[offset + 16 + 14 + 20 + 8] = 0x00
    }
    let result = Shell.run("rtpsend --pace none --to 127.0.0.1:9 udp.pcap", in: directory)
    #expect(result.status == 65, "\(result.stderr)")
    #expect(
      result.stderr == "rtpsend: udp.pcap: no RTP packets (3 UDP datagrams, none of them RTP)\n")
  }

  @Test("Every send failing (--to port 0) is one line and status 69")
  func everySendFailed() {
    let result = Shell.run("rtpgen --count 5 | rtpsend --pace none --to 127.0.0.1:0")
    #expect(result.status == 69, "\(result.stderr)")
    let lines = result.stderr.split(separator: "\n")
    #expect(lines.count == 1, "\(result.stderr)")
    #expect(lines.first?.hasPrefix("rtpsend: 127.0.0.1:0: every send failed (5 datagrams)") == true)
  }
}
