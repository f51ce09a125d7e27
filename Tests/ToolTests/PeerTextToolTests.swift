import Foundation
import Testing

/// Text a peer or an input controls, echoed on standard error, cannot forge a line or drive
/// the terminal: control characters come out as `\xNN`.
@Suite("Peer-controlled text is printed escaped")
struct PeerTextToolTests {
  typealias R = RTPSendRecvToolTests

  /// A BYE for SSRC 0x01020304 whose reason is `reason` (at most 255 bytes), in an RR compound.
  static func byeCompound(reason: [UInt8]) -> [UInt8] {
    let receiverReport: [UInt8] = [0x80, 201, 0, 1, 1, 2, 3, 4]
    var body: [UInt8] = [1, 2, 3, 4, UInt8(reason.count)] + reason
    while body.count % 4 != 0 { body.append(0) }
    let words = UInt16(body.count / 4)
    return receiverReport + [0x81, 203, UInt8(words >> 8), UInt8(words & 0xFF)] + body
  }

  @Test("rtprecv --rtcp prints a peer's SDES TOOL and BYE reason with control characters escaped")
  func sdesAndBye() throws {
    guard Shell.has("python3") else {
      print("skipped: no python3 to send the crafted BYE")
      return
    }
    let directory = Shell.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let port = R.port() & ~1
    // A newline and a forged line, an OSC window title, BEL, CR, ESC: in the TOOL item (from
    // rtpsend's --tool) and in a BYE reason sent from a script.
    let nasty = "x\nrtprecv: FAKE BYE\u{1B}]0;pwned\u{07}\r\\"
    try Data(nasty.utf8).write(to: directory.appendingPathComponent("tool.txt"))
    let bye = Self.byeCompound(reason: Array(nasty.utf8) + [0x00, 0xC2, 0x9B])
    try Data(bye).write(to: directory.appendingPathComponent("bye.bin"))
    let escaped = #"x\x0Artprecv: FAKE BYE\x1B]0;pwned\x07\x0D\\"#
    let sdes = R.exchange(
      port: port,
      receive: "--listen 127.0.0.1:\(port) --rtcp --until-bye --idle-timeout 10",
      send: "rtpgen --count 20 | rtpsend --rtcp --tool \"$(cat tool.txt)\" --to 127.0.0.1:\(port)",
      in: directory)
    #expect(sdes.status == 0, "\(sdes.stderr)")
    try Self.expectEscaped(directory, contains: "TOOL=\(escaped)")
    let second = R.port() & ~1
    let goodbye = R.exchange(
      port: second,
      receive: "--listen 127.0.0.1:\(second) --rtcp --until-bye --idle-timeout 10",
      send: """
        python3 -c "import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); \
        s.sendto(open('bye.bin','rb').read(), ('127.0.0.1', \(second + 1)))"
        """,
      in: directory)
    #expect(goodbye.status == 0, "\(goodbye.stderr)")
    try Self.expectEscaped(directory, contains: "(SSRC 0x1020304): \(escaped)\\x00\\x9B")
  }

  /// Checks rtprecv's standard error in `directory`: no forged line, no control character but
  /// the newlines ending lines, and `text` in it.
  static func expectEscaped(_ directory: URL, contains text: String) throws {
    let errors =
      (try? String(contentsOf: directory.appendingPathComponent("recv.err"), encoding: .utf8))
      ?? ""
    let lines = errors.split(separator: "\n", omittingEmptySubsequences: false)
    #expect(!lines.contains { $0.hasPrefix("rtprecv: FAKE BYE") }, "\(errors)")
    #expect(
      !errors.unicodeScalars.contains {
        ($0.value < 0x20 && $0 != "\n") || (0x7F..<0xA0).contains($0.value)
      }, "\(errors)")
    #expect(errors.contains(text), "\(errors)")
  }

  @Test("A file name with control characters is escaped in the error line")
  func fileName() {
    let result = Shell.run("rtpjb \"$(printf 'no\\nsuch\\033[2J')\"")
    #expect(result.status == 66)
    #expect(result.stderr.split(separator: "\n").count == 1, "\(result.stderr)")
    #expect(result.stderr.hasPrefix(#"rtpjb: no\x0Asuch\x1B[2J: "#), "\(result.stderr)")
  }
}
