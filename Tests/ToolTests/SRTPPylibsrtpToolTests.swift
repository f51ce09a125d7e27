import Foundation
import RTPCore
import Testing

/// SRTPSession against pylibsrtp (PyPI), when it is installed: for each suite both have, the
/// packets pylibsrtp protects are byte for byte those SRTPSession protects from the same plain
/// packets, key and salt (a known answer, across the sequence number's wrap, so the rollover
/// counter too), and each side's unprotect gives back the plain packet; SRTCP the same.
@Suite("SRTP against pylibsrtp")
struct SRTPPylibsrtpToolTests {
  static let hasPylibsrtp = Shell.run("python3 -c 'import pylibsrtp' 2>/dev/null").status == 0

  static let script = """
    import sys
    from pylibsrtp import Policy, Session
    profiles = {
        "AES_CM_128_HMAC_SHA1_80": (Policy.SRTP_PROFILE_AES128_CM_SHA1_80, 30),
        "AES_CM_128_HMAC_SHA1_32": (Policy.SRTP_PROFILE_AES128_CM_SHA1_32, 30),
        "AEAD_AES_128_GCM": (Policy.SRTP_PROFILE_AEAD_AES_128_GCM, 28),
        "AEAD_AES_256_GCM": (Policy.SRTP_PROFILE_AEAD_AES_256_GCM, 44),
    }
    for name, (profile, length) in profiles.items():
        key = bytes((i * 5 + 17) % 256 for i in range(length))
        tx = Session(policy=Policy(key=key, ssrc_type=Policy.SSRC_ANY_OUTBOUND, srtp_profile=profile))
        for step in range(12):
            seq = (65530 + step) % 65536
            ts = (1000 + 160 * step) % 2**32
            plain = bytes([0x80, 0, seq >> 8, seq & 255]) + ts.to_bytes(4, "big") \\
                + bytes([0xCA, 0xFE, 0xF0, 0x0D]) + bytes((step * 3 + i) % 256 for i in range(160))
            print("rtp", name, key.hex(), plain.hex(), tx.protect(plain).hex())
        rr = bytes([0x80, 201, 0, 1, 0xCA, 0xFE, 0xF0, 0x0D])
        print("rtcp", name, key.hex(), rr.hex(), tx.protect_rtcp(rr).hex())
    """

  static func bytes(_ hex: Substring) -> [UInt8] {
    var result: [UInt8] = []
    var index = hex.startIndex
    while index < hex.endIndex, let next = hex.index(index, offsetBy: 2, limitedBy: hex.endIndex) {
      result.append(UInt8(hex[index..<next], radix: 16) ?? 0)
      index = next
    }
    return result
  }

  @Test("Four suites: the same SRTP and SRTCP bytes as pylibsrtp, and each decrypts the other's")
  func knownAnswers() throws {
    guard Self.hasPylibsrtp else {
      return print("skipped: pylibsrtp is not installed (python3 -m pip install --user pylibsrtp)")
    }
    let run = Shell.run("python3 -", input: Data(Self.script.utf8))
    try #require(run.status == 0, "\(run.stderr)")
    var senders: [String: SRTPSession] = [:]
    var receivers: [String: SRTPSession] = [:]
    var checked = 0
    for line in run.lines {
      let fields = line.split(separator: " ")
      try #require(fields.count == 5, "\(line)")
      let suite = try #require(SRTPSuite(name: fields[1]))
      let material = Self.bytes(fields[2])
      let key = try SRTPKey(
        suite: suite, masterKey: Array(material[..<suite.keyLength]),
        masterSalt: Array(material[suite.keyLength...]))
      let name = String(fields[1])
      if senders[name] == nil {
        senders[name] = try SRTPSession(key: key, direction: .outbound)
        receivers[name] = try SRTPSession(key: key, direction: .inbound)
      }
      let sender = try #require(senders[name])
      let receiver = try #require(receivers[name])
      let plain = Self.bytes(fields[3])
      let theirs = Self.bytes(fields[4])
      var ours = plain
      var decrypted = theirs
      if fields[0] == "rtp" {
        try sender.protect(&ours)
        try receiver.unprotect(&decrypted)
      } else {
        try sender.protectRTCP(&ours)
        try receiver.unprotectRTCP(&decrypted)
      }
      #expect(ours == theirs, "\(line)")
      #expect(decrypted == plain, "\(line)")
      checked += 1
    }
    #expect(checked == 4 * 13)
  }
}
