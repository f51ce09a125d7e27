/// Why a text did not give an ``SRTPKey``.
public enum SRTPKeyError: Error, Sendable, Hashable, CustomStringConvertible {
  /// The text is not `SUITE:BASE64`.
  case notSuiteAndKey
  /// The suite is not one this toolkit supports.
  case unknownSuite(String)
  /// The key parameters do not start with `inline:`.
  case notInline
  /// The key is not base64.
  case notBase64
  /// The key and salt decode to the wrong number of bytes for the suite.
  case wrongLength(suite: SRTPSuite, bytes: Int)
  /// The lifetime is not a decimal number or `2^n`.
  case badLifetime(String)
  /// The MKI is not `value:length` with a length of 1 to 128 bytes that holds the value.
  case badMKI(String)

  /// The failure, as a tool prints it.
  public var description: String {
    switch self {
    case .notSuiteAndKey: "not SUITE:BASE64"
    case .unknownSuite(let name):
      "unknown SRTP suite '\(name)' (one of "
        + SRTPSuite.allCases.map(\.rawValue).joined(separator: ", ") + ")"
    case .notInline: "the key parameters do not start with inline:"
    case .notBase64: "the key is not base64"
    case .wrongLength(let suite, let bytes):
      "\(suite) needs \(suite.keyLength + suite.saltLength) bytes of key and salt, not \(bytes)"
    case .badLifetime(let text): "bad key lifetime '\(text)'"
    case .badMKI(let text): "bad MKI '\(text)'"
    }
  }
}
