import RTPCore
import Testing

@testable import RTPSecurity

@Suite("SRTP: suites, keys and libsrtp sessions")
struct SRTPSessionTests {
  /// A PCMU-like RTP packet: a 12-byte header and `payload`.
  static func packet(sequence: UInt16, ssrc: UInt32 = 0x1234_5678, payload: [UInt8]) -> [UInt8] {
    var bytes: [UInt8] = [0x80, 0x00, UInt8(sequence >> 8), UInt8(sequence & 0xFF)]
    let timestamp = UInt32(sequence) &* 160
    bytes += [24, 16, 8, 0].map { UInt8(truncatingIfNeeded: timestamp >> UInt32($0)) }
    bytes += [24, 16, 8, 0].map { UInt8(truncatingIfNeeded: ssrc >> UInt32($0)) }
    return bytes + payload
  }

  static func key(_ suite: SRTPSuite, seed: UInt8 = 1) throws -> SRTPKey {
    try SRTPKey(
      suite: suite, masterKey: (0..<suite.keyLength).map { UInt8($0) &+ seed },
      masterSalt: (0..<suite.saltLength).map { UInt8($0) &* 3 &+ seed })
  }

  @Test(
    "Every suite: protected packets are longer by the tag, differ, and unprotect to the original",
    arguments: SRTPSuite.allCases)
  func roundTrip(suite: SRTPSuite) throws {
    let key = try Self.key(suite)
    let sender = try SRTPSession(key: key, direction: .outbound)
    let receiver = try SRTPSession(key: key, direction: .inbound)
    for sequence in UInt16(0)..<20 {
      let plain = Self.packet(
        sequence: sequence, payload: (0..<160).map { UInt8($0) ^ UInt8(sequence) })
      var protected = plain
      try sender.protect(&protected)
      #expect(protected.count == plain.count + suite.tagLength)
      #expect(protected[..<12] == plain[..<12])
      #expect(protected[12..<plain.count] != plain[12...])
      try receiver.unprotect(&protected)
      #expect(protected == plain)
    }
  }

  @Test("Every suite: an RTCP compound survives SRTCP protection", arguments: SRTPSuite.allCases)
  func rtcpRoundTrip(suite: SRTPSuite) throws {
    let key = try Self.key(suite)
    let sender = try SRTPSession(key: key, direction: .outbound)
    let receiver = try SRTPSession(key: key, direction: .inbound)
    // A receiver report with no blocks (RFC 3550 6.4.2), SSRC 0x12345678, then padding bytes.
    let plain: [UInt8] = [0x80, 201, 0, 1, 0x12, 0x34, 0x56, 0x78]
    var protected = plain
    try sender.protectRTCP(&protected)
    #expect(protected.count > plain.count + 4)
    try receiver.unprotectRTCP(&protected)
    #expect(protected == plain)
  }

  @Test(
    "A tampered packet, or one under another key, fails authentication and leaves the session working",
    arguments: SRTPSuite.allCases)
  func tampered(suite: SRTPSuite) throws {
    let sender = try SRTPSession(key: try Self.key(suite), direction: .outbound)
    let receiver = try SRTPSession(key: try Self.key(suite))
    let stranger = try SRTPSession(key: try Self.key(suite, seed: 9))
    var first = Self.packet(sequence: 1, payload: Array(repeating: 0x55, count: 40))
    try sender.protect(&first)
    var flipped = first
    flipped[20] ^= 0x01
    #expect(throws: SRTPError.authenticationFailure) { try receiver.unprotect(&flipped) }
    var wrongKey = first
    #expect(throws: SRTPError.authenticationFailure) { try stranger.unprotect(&wrongKey) }
    try receiver.unprotect(&first)
    #expect(first == Self.packet(sequence: 1, payload: Array(repeating: 0x55, count: 40)))
  }

  @Test("A replayed packet is a replay, not an authentication failure")
  func replayed() throws {
    let key = try Self.key(.aesCM128HMACSHA1With80BitTag)
    let sender = try SRTPSession(key: key, direction: .outbound)
    let receiver = try SRTPSession(key: key)
    var packet = Self.packet(sequence: 7, payload: [1, 2, 3, 4])
    try sender.protect(&packet)
    var again = packet
    try receiver.unprotect(&packet)
    #expect(throws: SRTPError.replay) { try receiver.unprotect(&again) }
    var short: [UInt8] = [0x80, 0, 0, 1]
    #expect(short.withUnsafeMutableBytes { receiver.unprotectPacket($0) } == .rejected)
  }

  @Test("The rollover counter follows the sequence number across its wrap")
  func rollover() throws {
    let key = try Self.key(.aesCM128HMACSHA1With32BitTag)
    let sender = try SRTPSession(key: key, direction: .outbound)
    let receiver = try SRTPSession(key: key)
    for step in 0..<40 {
      let sequence = UInt16(truncatingIfNeeded: 65520 + step)
      let plain = Self.packet(sequence: sequence, payload: Array(repeating: UInt8(step), count: 20))
      var packet = plain
      try sender.protect(&packet)
      try receiver.unprotect(&packet)
      #expect(packet == plain)
    }
  }

  @Test("A key with an MKI: packets carry it, and both ends agree")
  func mki() throws {
    let key = try SRTPKey(
      suite: "AES_CM_128_HMAC_SHA1_80",
      keyParameters: "inline:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwd|2^20|1:4")
    #expect(key.mki == [0, 0, 0, 1])
    let sender = try SRTPSession(key: key, direction: .outbound)
    let receiver = try SRTPSession(key: key)
    let plain = Self.packet(sequence: 3, payload: [9, 9, 9])
    var packet = plain
    try sender.protect(&packet)
    #expect(packet.count == plain.count + 4 + 10)
    #expect(packet[plain.count..<plain.count + 4] == [0, 0, 0, 1])
    try receiver.unprotect(&packet)
    #expect(packet == plain)
  }

  @Test("Keys from the command line and from SDP key parameters")
  func parsing() throws {
    let cli = try SRTPKey(
      parsing: "AES_CM_128_HMAC_SHA1_80:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwd")
    #expect(cli.suite == .aesCM128HMACSHA1With80BitTag)
    #expect(cli.masterKey == Array(0..<16))
    #expect(cli.masterSalt == Array(16..<30))
    #expect(cli.mki.isEmpty && cli.lifetime == nil)
    let sdp = try SRTPKey(
      suite: "AEAD_AES_256_GCM",
      keyParameters: "inline:" + "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJygpKis"
        + "|1048576")
    #expect(sdp.suite == .aeadAES256GCM && sdp.masterSalt == Array(32..<44))
    #expect(sdp.lifetime == 1_048_576)
    #expect(
      throws: SRTPKeyError.unknownSuite("F8_128_HMAC_SHA1_80"),
      performing: { try SRTPKey(parsing: "F8_128_HMAC_SHA1_80:AAAA") })
    #expect(throws: SRTPKeyError.notSuiteAndKey) { try SRTPKey(parsing: "AES_CM_128_HMAC_SHA1_80") }
    #expect(throws: SRTPKeyError.notBase64) {
      try SRTPKey(parsing: "AES_CM_128_HMAC_SHA1_80:AA*A")
    }
    #expect(throws: SRTPKeyError.wrongLength(suite: .aesCM128HMACSHA1With80BitTag, bytes: 3)) {
      try SRTPKey(parsing: "AES_CM_128_HMAC_SHA1_80:AAAA")
    }
    #expect(throws: SRTPKeyError.notInline) {
      try SRTPKey(suite: "AES_CM_128_HMAC_SHA1_80", keyParameters: "uri:x")
    }
    #expect(throws: SRTPKeyError.badLifetime("2^99")) {
      try SRTPKey(
        suite: "AES_CM_128_HMAC_SHA1_80",
        keyParameters: "inline:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwd|2^99")
    }
    #expect(throws: SRTPKeyError.badMKI("300:1")) {
      try SRTPKey(
        suite: "AES_CM_128_HMAC_SHA1_80",
        keyParameters: "inline:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwd|300:1")
    }
    #expect("\(SRTPKeyError.unknownSuite("X"))".contains("AEAD_AES_128_GCM"))
  }

  @Test("Base64 decodes padded and unpadded text and refuses the rest")
  func base64() {
    #expect(Base64.decode("TWFu") == Array("Man".utf8))
    #expect(Base64.decode("TWE=") == Array("Ma".utf8))
    #expect(Base64.decode("TWE") == Array("Ma".utf8))
    #expect(Base64.decode("TQ==") == Array("M".utf8))
    #expect(Base64.decode("T") == nil)
    #expect(Base64.decode("TQ=a") == nil)
    #expect(Base64.decode("TQ===") == nil)
  }
}
