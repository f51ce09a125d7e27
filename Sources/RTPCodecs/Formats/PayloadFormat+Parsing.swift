extension PayloadFormat {
  /// The most channels a mapping may name.
  public static let maximumChannels = 255
  /// The highest clock rate a mapping may name.
  public static let maximumClockRate = 1_000_000

  /// Reads the `a=rtpmap` form with optional parameters: `NAME/RATE[/CHANNELS][;PARAMETERS]`,
  /// such as `opus/48000/2`, `AMR/8000;octet-align=1` or `telephone-event/8000;0-15`.
  public init(parsing text: some StringProtocol) throws(PayloadFormatError) {
    let whole = String(text)
    let split = whole.split(separator: ";", maxSplits: 1, omittingEmptySubsequences: false)
    let fields = split[0].split(separator: "/", omittingEmptySubsequences: false)
    guard fields.count == 2 || fields.count == 3 else {
      throw .malformed(whole, reason: "expected NAME/RATE or NAME/RATE/CHANNELS")
    }
    let name = fields[0].trimmingSpaces
    guard !name.isEmpty,
      name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-_.+".contains($0)) })
    else {
      throw .malformed(whole, reason: "the encoding name must be letters, digits and - _ . +")
    }
    guard let rate = Int(fields[1].trimmingSpaces), (1...Self.maximumClockRate).contains(rate)
    else {
      throw .malformed(whole, reason: "the clock rate must be 1 to \(Self.maximumClockRate) Hz")
    }
    var channels = 1
    if fields.count == 3 {
      guard let count = Int(fields[2].trimmingSpaces), (1...Self.maximumChannels).contains(count)
      else {
        throw .malformed(whole, reason: "the channel count must be 1 to \(Self.maximumChannels)")
      }
      channels = count
    }
    let parameters =
      split.count > 1 ? FormatParameters(parsing: split[1]) : FormatParameters()
    self.init(
      encodingName: String(name), clockRate: rate, channels: channels, parameters: parameters)
  }
}
