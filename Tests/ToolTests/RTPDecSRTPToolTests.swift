import Foundation
import Testing

/// rtpdec on SRTP: streams GStreamer's srtpenc encrypted (received by rtprecv over loopback)
/// decrypt to the very samples of the PCMU bytes GStreamer encoded, with --srtp-key or with
/// the sender's key from the SDP of the capture's SIP; a wrong key is counted failures, no
/// audio and status 65.
@Suite("rtpdec: SRTP decryption", .serialized)
struct RTPDecSRTPToolTests {
  typealias Loopback = RTPSendRecvToolTests

  static let hasGStreamer =
    Shell.has("gst-launch-1.0")
    && Shell.run("gst-inspect-1.0 srtpenc > /dev/null 2>&1").status == 0

  /// A suite, GStreamer's cipher and authentication for it, and its key and salt length.
  struct Suite: Sendable, CustomStringConvertible {
    var name: String
    var cipher: String
    var auth: String
    var length: Int
    var description: String { name }
  }

  static let suites = [
    Suite(name: "AES_CM_128_HMAC_SHA1_80", cipher: "aes-128-icm", auth: "hmac-sha1-80", length: 30),
    Suite(name: "AES_CM_128_HMAC_SHA1_32", cipher: "aes-128-icm", auth: "hmac-sha1-32", length: 30),
    Suite(name: "AES_256_CM_HMAC_SHA1_80", cipher: "aes-256-icm", auth: "hmac-sha1-80", length: 46),
    // Not AEAD_AES_128_GCM: GStreamer's srtpenc refuses its RFC 7714 28 bytes of key and salt
    // (it wants 30) and with 30 its packets are not RFC 7714's; SRTPSessionTests has its round
    // trip.
    Suite(name: "AEAD_AES_256_GCM", cipher: "aes-256-gcm", auth: "null", length: 44),
  ]

  /// Key and salt bytes of `length`, from `seed`.
  static func key(_ length: Int, seed: UInt8) -> Data {
    Data((0..<length).map { UInt8(truncatingIfNeeded: $0 &* 7) &+ seed })
  }

  /// Sends 100 PCMU packets of a tone through srtpenc with `key` to rtprecv, writing the
  /// capture to `recv.pcap`, the PCMU bytes to `ref.g711` and rtpulaw's decode of them to
  /// `ref.s16` in `directory`.
  static func capture(_ suite: Suite, key: Data, in directory: URL) throws {
    let port = Loopback.port() & ~1
    let hex = key.map { String(format: "%02x", $0) }.joined()
    let encode =
      "audiotestsrc num-buffers=100 samplesperbuffer=160"
      + " ! audio/x-raw,rate=8000,channels=1,format=S16LE ! mulawenc ! tee name=t"
    let encrypt: String =
      "t. ! queue ! rtppcmupay ! srtpenc key=\(hex) rtp-cipher=\(suite.cipher)"
      + " rtp-auth=\(suite.auth) ! udpsink host=127.0.0.1 port=\(port) sync=false"
    let send: String =
      "timeout -s KILL 20 gst-launch-1.0 -q \(encode) \(encrypt)"
      + " t. ! queue ! filesink location=ref.g711 > peer.out 2>&1"
    let result = Loopback.exchange(
      port: port, receive: "--listen 127.0.0.1:\(port) --idle-timeout 1 --stats", send: send,
      in: directory)
    try #require(result.status == 0, "\(result.stderr)")
    #expect(Loopback.status(directory) == 0)
    let reference = Shell.run("rtpulaw --decode --law u --raw < ref.g711 > ref.s16", in: directory)
    try #require(reference.status == 0, "\(reference.stderr)")
  }

  static func file(_ name: String, in directory: URL) -> Data {
    (try? Data(contentsOf: directory.appendingPathComponent(name))) ?? Data()
  }

  @Test(
    "GStreamer's SRTP in four suites: --srtp-key decrypts it to GStreamer's PCMU samples; a wrong key is 65",
    .enabled(if: hasGStreamer), arguments: suites)
  func gstreamer(suite: Suite) throws {
    let directory = Shell.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let key = Self.key(suite.length, seed: 3)
    try Self.capture(suite, key: key, in: directory)
    let good = Shell.run(
      "rtpdec --srtp-key \(suite.name):\(key.base64EncodedString()) --format raw --stats "
        + "recv.pcap > got.s16", in: directory)
    #expect(good.status == 0, "\(good.stderr)")
    let stats = RTPJBToolTests.stats(good)
    #expect(stats["srtpFailures"] == 0 && stats["decodedPackets"] == 100, "\(good.stderr)")
    let samples = Self.file("got.s16", in: directory)
    #expect(samples.count == 32000)
    #expect(samples == Self.file("ref.s16", in: directory))
    // Read as plain RTP, the payload is ciphertext: other samples.
    // rtpjb --srtp-key writes the plain stream: its payload is GStreamer's PCMU bytes.
    let payload = Shell.run(
      "rtpjb --srtp-key \(suite.name):\(key.base64EncodedString()) --output payload recv.pcap "
        + "> got.g711", in: directory)
    #expect(payload.status == 0, "\(payload.stderr)")
    #expect(Self.file("got.g711", in: directory) == Self.file("ref.g711", in: directory))
    let plain = Shell.run("rtpdec --format raw recv.pcap > plain.s16", in: directory)
    #expect(plain.status == 0)
    #expect(Self.file("plain.s16", in: directory) != samples)

    let wrong = Self.key(suite.length, seed: 4).base64EncodedString()
    let bad = Shell.run(
      "rtpdec --srtp-key \(suite.name):\(wrong) --stats recv.pcap > bad.wav", in: directory)
    #expect(bad.status == 65)
    let failed = RTPJBToolTests.stats(bad)
    #expect(failed["srtpFailures"] == failed["read"] && failed["read"] == 100, "\(bad.stderr)")
    #expect(failed["decodedPackets"] == 0)
    #expect(Self.file("bad.wav", in: directory).isEmpty)
    let lines = bad.stderr.split(separator: "\n").filter { !$0.hasPrefix("{") }
    #expect(
      lines == [
        "rtpdec: recv.pcap: all 100 packets failed SRTP authentication (a wrong key?): nothing decoded"
      ])
  }

  @Test(
    "The key from the sender's a=crypto in the capture's SIP decrypts its stream, not the receiver's",
    .enabled(if: hasGStreamer && RTPStatCallsToolTests.wireshark))
  func keyFromSDP() throws {
    let directory = Shell.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let suite = Self.suites[3]  // AEAD_AES_256_GCM
    let senderKey = Self.key(suite.length, seed: 11)
    try Self.capture(suite, key: senderKey, in: directory)
    let port = Shell.run("tshark -r recv.pcap -T fields -e udp.dstport -c 1", in: directory)
      .output.trimmingCharacters(in: .whitespacesAndNewlines)
    try #require(Int(port) != nil, "\(port)")
    // The receiver at 127.0.0.1:port offers two keys of its own (those it would send with);
    // the sender at 127.0.0.3 answers with the tag-2 suite and its key.
    func sdp(_ address: String, _ mediaPort: String, _ crypto: [String]) -> String {
      ([
        "v=0", "o=- 1 1 IN IP4 \(address)", "s=call", "c=IN IP4 \(address)", "t=0 0",
        "m=audio \(mediaPort) RTP/SAVP 0", "a=rtpmap:0 PCMU/8000",
      ] + crypto.map { "a=crypto:\($0)" } + [""]).joined(separator: "\r\n")
    }
    let offer = sdp(
      "127.0.0.1", port,
      [
        "1 AES_CM_128_HMAC_SHA1_80 inline:\(Self.key(30, seed: 1).base64EncodedString())",
        "2 AEAD_AES_256_GCM inline:\(Self.key(44, seed: 2).base64EncodedString())",
      ])
    let answer = sdp(
      "127.0.0.3", "6000", ["2 AEAD_AES_256_GCM inline:\(senderKey.base64EncodedString())|2^31"])
    func message(_ first: String, _ body: String) -> String {
      [
        first, "Via: SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bK1",
        "From: <sip:alice@127.0.0.1>;tag=a1", "To: <sip:bob@127.0.0.3>;tag=b1",
        "Call-ID: srtp-call-1", "CSeq: 1 INVITE", "Content-Type: application/sdp",
        "Content-Length: \(body.utf8.count)", "", body,
      ].joined(separator: "\r\n")
    }
    try Data(message("INVITE sip:bob@127.0.0.3 SIP/2.0", offer).utf8).write(
      to: directory.appendingPathComponent("invite.txt"))
    try Data(message("SIP/2.0 200 OK", answer).utf8).write(
      to: directory.appendingPathComponent("ok.txt"))
    let made = Shell.run(
      """
      od -Ax -tx1 -v invite.txt > invite.hex && od -Ax -tx1 -v ok.txt > ok.hex || exit 1
      text2pcap -q -u 5060,5060 -4 127.0.0.1,127.0.0.3 invite.hex invite.pcap || exit 2
      text2pcap -q -u 5060,5060 -4 127.0.0.3,127.0.0.1 ok.hex ok.pcap || exit 3
      mergecap -F pcap -w call.pcap invite.pcap ok.pcap recv.pcap || exit 4
      """, in: directory)
    try #require(made.status == 0, "\(made.stderr)")
    let decoded = Shell.run("rtpdec --format raw --stats call.pcap > got.s16", in: directory)
    #expect(decoded.status == 0, "\(decoded.stderr)")
    #expect(
      decoded.stderr.contains("SRTP key AEAD_AES_256_GCM from the SDP of call srtp-call-1"),
      "\(decoded.stderr)")
    #expect(RTPJBToolTests.stats(decoded)["srtpFailures"] == 0, "\(decoded.stderr)")
    #expect(Self.file("got.s16", in: directory) == Self.file("ref.s16", in: directory))
    // --srtp-key wins over the SDP's: a wrong one fails every packet.
    let wrong = Self.key(suite.length, seed: 2).base64EncodedString()
    let overridden = Shell.run(
      "rtpdec --srtp-key AEAD_AES_256_GCM:\(wrong) call.pcap > bad.wav", in: directory)
    #expect(overridden.status == 65, "\(overridden.stderr)")
  }

  @Test("A malformed --srtp-key is a usage error naming what is wrong")
  func badKey() {
    let unknown = Shell.run("rtpgen --count 5 | rtpdec --srtp-key F8_128_HMAC_SHA1_80:AAAA")
    #expect(unknown.status == 64)
    #expect(unknown.stderr.contains("unknown SRTP suite"), "\(unknown.stderr)")
    let short = Shell.run("rtpgen --count 5 | rtpdec --srtp-key AES_CM_128_HMAC_SHA1_80:AAAA")
    #expect(short.status == 64)
    #expect(short.stderr.contains("needs 30 bytes of key and salt, not 3"), "\(short.stderr)")
  }
}
