/// An SDES crypto attribute, `a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:KEY|2^20|1:32`
/// (RFC 4568 9.1): the SRTP keys the author of the description sends with, kept as text for the
/// SRTP layer to read.
public struct SDPCrypto: Sendable, Hashable {
  /// The tag that names this attribute in the offer and the answer.
  public var tag: Int
  /// The crypto suite, such as `AES_CM_128_HMAC_SHA1_80`.
  public var suite: String
  /// The key parameters, such as `inline:BASE64|2^20|1:32` (several joined by `;`).
  public var keyParameters: String
  /// The session parameters that follow, such as `KDR=1` or `UNENCRYPTED_SRTCP`.
  public var sessionParameters: [String]

  /// An attribute with the given fields.
  public init(tag: Int, suite: String, keyParameters: String, sessionParameters: [String] = []) {
    self.tag = tag
    self.suite = suite
    self.keyParameters = keyParameters
    self.sessionParameters = sessionParameters
  }

  /// Reads the part after `a=crypto:`; `nil` unless it has a tag of 1 to 9 digits, a suite
  /// and key parameters.
  public init?(parsing text: some StringProtocol) {
    let fields = text.split(whereSeparator: { $0 == " " || $0 == "\t" })
    guard fields.count >= 3, fields[0].count <= 9, let tag = Int(fields[0]), tag >= 0 else {
      return nil
    }
    self.tag = tag
    suite = String(fields[1])
    keyParameters = String(fields[2])
    sessionParameters = fields[3...].map { String($0) }
  }
}
