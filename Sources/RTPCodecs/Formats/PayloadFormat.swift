import RTPPackets

/// What an RTP payload type means: an encoding name as RFC 4855 registers it (`PCMU`, `opus`,
/// `AMR-WB`, `telephone-event`), the RTP clock rate, the channel count and the format
/// parameters (`a=fmtp`).
///
/// Static payload types carry their RFC 3551 assignment (``init(staticPayloadType:)``); dynamic
/// ones mean what signalling or the user says (``init(parsing:)`` reads the `a=rtpmap` form,
/// `NAME/RATE[/CHANNELS][;PARAMETERS]`). Encoding names compare without regard to case, as SDP
/// requires.
public struct PayloadFormat: Sendable, Hashable, CustomStringConvertible {
  /// The encoding name as given (compare with ``matches(_:)``).
  public let encodingName: String
  /// The RTP clock rate in Hz: the timestamp units, which need not be the audio sample rate
  /// (G.722 is 8000 for 16 kHz audio; Opus is always 48000).
  public let clockRate: Int
  /// Audio channels, 1 unless the mapping says otherwise.
  public let channels: Int
  /// The format parameters.
  public let parameters: FormatParameters

  /// A format with the given name, clock, channels and parameters.
  public init(
    encodingName: String, clockRate: Int, channels: Int = 1,
    parameters: FormatParameters = FormatParameters()
  ) {
    self.encodingName = encodingName
    self.clockRate = clockRate
    self.channels = channels
    self.parameters = parameters
  }

  /// The RFC 3551 assignment of a static payload type, `nil` for dynamic, unassigned and
  /// reserved numbers.
  public init?(staticPayloadType payloadType: UInt8) {
    guard let assigned = RTPStaticPayloadType(payloadType) else { return nil }
    self.init(
      encodingName: assigned.encodingName, clockRate: assigned.clockRate,
      channels: assigned.channels)
  }

  /// The encoding name in lower case, the form the codec table is keyed by.
  public var normalizedName: String { encodingName.lowercased() }

  /// Whether the encoding name is `name`, ignoring case.
  public func matches(_ name: String) -> Bool {
    normalizedName == name.lowercased()
  }

  /// The `a=rtpmap` form, `NAME/RATE` or `NAME/RATE/CHANNELS`, then `;PARAMETERS` if any.
  public var description: String {
    var text = "\(encodingName)/\(clockRate)"
    if channels != 1 { text += "/\(channels)" }
    if !parameters.isEmpty { text += ";\(parameters)" }
    return text
  }
}
