/// An SRTP master key: its suite, master key and master salt, and the MKI packets carry, if
/// any (RFC 3711 3.2.1, RFC 4568 6.1).
public struct SRTPKey: Sendable, Hashable {
  /// The crypto suite.
  public var suite: SRTPSuite
  /// The master key, ``SRTPSuite/keyLength`` bytes.
  public var masterKey: [UInt8]
  /// The master salt, ``SRTPSuite/saltLength`` bytes.
  public var masterSalt: [UInt8]
  /// The master key identifier each packet carries after its payload, empty for none.
  public var mki: [UInt8]
  /// The key's lifetime in packets, when the key parameters gave one.
  public var lifetime: UInt64?

  /// A key of `suite` from `masterKey` and `masterSalt`, checked for the suite's lengths.
  public init(
    suite: SRTPSuite, masterKey: [UInt8], masterSalt: [UInt8], mki: [UInt8] = [],
    lifetime: UInt64? = nil
  ) throws(SRTPKeyError) {
    guard masterKey.count == suite.keyLength, masterSalt.count == suite.saltLength else {
      throw .wrongLength(suite: suite, bytes: masterKey.count + masterSalt.count)
    }
    guard mki.count <= 128 else { throw .badMKI("\(mki.count) bytes") }
    self.suite = suite
    self.masterKey = masterKey
    self.masterSalt = masterSalt
    self.mki = mki
    self.lifetime = lifetime
  }

  /// A key of `suite` from the base64 of its master key followed by its master salt.
  public init(suite: SRTPSuite, base64: some StringProtocol) throws(SRTPKeyError) {
    guard let bytes = Base64.decode(base64) else { throw .notBase64 }
    guard bytes.count == suite.keyLength + suite.saltLength else {
      throw .wrongLength(suite: suite, bytes: bytes.count)
    }
    try self.init(
      suite: suite, masterKey: Array(bytes[..<suite.keyLength]),
      masterSalt: Array(bytes[suite.keyLength...]))
  }

  /// A key as a command line gives it: `SUITE:BASE64`, such as
  /// `AES_CM_128_HMAC_SHA1_80:WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz`.
  public init(parsing text: some StringProtocol) throws(SRTPKeyError) {
    guard let colon = text.firstIndex(of: ":") else { throw .notSuiteAndKey }
    let name = text[..<colon]
    guard let suite = SRTPSuite(name: name) else { throw .unknownSuite(String(name)) }
    try self.init(suite: suite, base64: text[text.index(after: colon)...])
  }

  /// A key from an SDP `a=crypto` attribute's suite and key parameters,
  /// `inline:BASE64[|LIFETIME][|MKI:LENGTH]` (RFC 4568 9.2); of several key parameters joined
  /// by `;`, the first.
  public init(suite name: some StringProtocol, keyParameters: some StringProtocol)
    throws(SRTPKeyError)
  {
    guard let suite = SRTPSuite(name: name) else { throw .unknownSuite(String(name)) }
    let first = String(keyParameters).split(separator: ";", omittingEmptySubsequences: false)[0]
    guard first.hasPrefix("inline:") else { throw .notInline }
    let fields = first.dropFirst("inline:".count).split(
      separator: "|", omittingEmptySubsequences: false)
    guard fields.count <= 3 else { throw .badMKI(String(first)) }
    var key = try SRTPKey(suite: suite, base64: fields[0])
    for field in fields.dropFirst() {
      if field.contains(":") {
        key.mki = try Self.mki(field)
      } else if key.lifetime == nil {
        key.lifetime = try Self.lifetime(field)
      } else {
        throw .badLifetime(String(field))
      }
    }
    self = key
  }

  private static func lifetime(_ text: Substring) throws(SRTPKeyError) -> UInt64 {
    if text.hasPrefix("2^") {
      guard let power = Int(text.dropFirst(2)), (0...63).contains(power) else {
        throw .badLifetime(String(text))
      }
      return 1 << UInt64(power)
    }
    guard let value = UInt64(text) else { throw .badLifetime(String(text)) }
    return value
  }

  /// The MKI `value:length` names: `value` in `length` big-endian bytes.
  private static func mki(_ text: Substring) throws(SRTPKeyError) -> [UInt8] {
    let parts = text.split(separator: ":", omittingEmptySubsequences: false)
    guard parts.count == 2, let value = UInt64(parts[0]), let length = Int(parts[1]),
      (1...128).contains(length), length >= 8 || value >> UInt64(8 * length) == 0
    else { throw .badMKI(String(text)) }
    return (0..<length).map { index in
      let shift = 8 * (length - 1 - index)
      return shift >= 64 ? 0 : UInt8(truncatingIfNeeded: value >> UInt64(shift))
    }
  }
}
