import RTPPackets

extension PayloadFormat {
  /// The format an encoding name means when given alone, as SDP offers it most often: its
  /// RFC 3551 static assignment where it has one (`PCMU/8000`, `G722/8000`, `GSM/8000`), else
  /// the rate its RFC fixes or that is usual (`opus/48000/2`, `AMR/8000`, `AMR-WB/16000`,
  /// `speex/8000`, `L24/48000`, `telephone-event/8000`). `nil` for a name with no usual rate.
  public init?(conventionalFor name: some StringProtocol) {
    let lower = name.lowercased()
    for payloadType in UInt8(0)...34 {
      if let assigned = RTPStaticPayloadType(payloadType), assigned.isAudio,
        assigned.encodingName.lowercased() == lower, lower != "l16"
      {
        self.init(
          encodingName: assigned.encodingName, clockRate: assigned.clockRate,
          channels: assigned.channels)
        return
      }
    }
    let usual: [String: (String, Int, Int)] = [
      "l16": ("L16", 8000, 1), "l24": ("L24", 48000, 1), "opus": ("opus", 48000, 2),
      "amr": ("AMR", 8000, 1), "amr-wb": ("AMR-WB", 16000, 1), "speex": ("speex", 8000, 1),
      "g726-16": ("G726-16", 8000, 1), "g726-24": ("G726-24", 8000, 1),
      "g726-32": ("G726-32", 8000, 1), "g726-40": ("G726-40", 8000, 1),
      "g729a": ("G729", 8000, 1), "ilbc": ("iLBC", 8000, 1),
      "telephone-event": ("telephone-event", 8000, 1),
    ]
    guard let (spelling, rate, channels) = usual[lower] else { return nil }
    self.init(encodingName: spelling, clockRate: rate, channels: channels)
  }

  /// The RFC 3551 static payload type with this format's name, clock and channels, `nil` when
  /// none has (every dynamic format, and `L16/8000`).
  public var staticPayloadType: UInt8? {
    for payloadType in UInt8(0)...34 {
      if let assigned = RTPStaticPayloadType(payloadType), assigned.isAudio,
        matches(assigned.encodingName), assigned.clockRate == clockRate,
        assigned.channels == channels
      {
        return payloadType
      }
    }
    return nil
  }
}
