/// One payload type and the format it stands for: what `--codec PT=NAME/RATE[/CHANNELS][;fmtp]`
/// and an SDP `a=rtpmap` (with its `a=fmtp`) say.
public struct PayloadTypeMapping: Sendable, Hashable, CustomStringConvertible {
  /// The payload type, 0 to 127.
  public let payloadType: UInt8
  /// What it means.
  public let format: PayloadFormat

  /// `payloadType` mapped to `format`.
  public init(payloadType: UInt8, format: PayloadFormat) {
    self.payloadType = payloadType
    self.format = format
  }

  /// Reads `PT=NAME/RATE[/CHANNELS][;PARAMETERS]`, such as `111=opus/48000/2` or
  /// `118=AMR/8000;octet-align=1`.
  public init(parsing text: some StringProtocol) throws(PayloadFormatError) {
    let whole = String(text)
    guard let equals = whole.firstIndex(of: "=") else {
      throw .malformed(whole, reason: "expected PT=NAME/RATE[/CHANNELS][;PARAMETERS]")
    }
    guard let type = UInt8(whole[..<equals].trimmingSpaces), type < 128 else {
      throw .malformed(whole, reason: "the payload type must be 0 to 127")
    }
    let format: PayloadFormat
    do {
      format = try PayloadFormat(parsing: whole[whole.index(after: equals)...])
    } catch {
      throw .malformed(whole, reason: error.reason)
    }
    self.init(payloadType: type, format: format)
  }

  /// `PT=NAME/RATE...`.
  public var description: String { "\(payloadType)=\(format)" }
}

extension PayloadFormatError {
  /// What is wrong, without the text.
  var reason: String {
    switch self {
    case .malformed(_, let reason): reason
    }
  }
}
