import RTPAudio

extension CodecRegistry {
  /// The encoding names with an encoder, in lower case.
  public static let encodableEncodings: [String] =
    ["pcmu", "pcma", "l16", "l24", "dvi4", "opus", "speex", "gsm", "g729", "g722", "amr", "amr-wb"]
    + G726Mode.encodingNames

  /// An encoder for `format` with `settings`.
  ///
  /// - Throws: ``CodecError/unsupported(_:_:)`` for a format with no encoder,
  ///   ``CodecError/invalidParameters(_:_:)`` for a rate, channel count or bit rate the codec
  ///   cannot take, or DTX or a bit rate asked of a codec without them, ``CodecError/library(call:message:)`` when the codec library fails.
  public static func makeEncoder(
    for format: PayloadFormat, settings: EncoderSettings = EncoderSettings()
  ) throws(CodecError) -> any AudioEncoder {
    guard format.channels >= 1, format.clockRate >= 1 else {
      throw .invalidParameters(format, "needs a clock rate and at least one channel")
    }
    let name = format.normalizedName
    let withoutDTX = ["pcmu", "pcma", "l16", "l24", "dvi4", "gsm", "g722"] + G726Mode.encodingNames
    if settings.discontinuousTransmission && withoutDTX.contains(name) {
      throw .invalidParameters(format, "\(format.encodingName) has no discontinuous transmission")
    }
    if settings.bitrate != nil
      && ["pcmu", "pcma", "l16", "l24", "dvi4", "gsm", "g729"].contains(name)
    {
      throw .invalidParameters(format, "\(format.encodingName) has one bit rate only")
    }
    switch name {
    case "pcmu": return G711Encoder(format: format, law: .ulaw)
    case "pcma": return G711Encoder(format: format, law: .alaw)
    case "l16": return LinearPCMEncoder(format: format, bytesPerSample: 2)
    case "l24": return LinearPCMEncoder(format: format, bytesPerSample: 3)
    case "dvi4": return try DVI4Encoder(format: format)
    case "opus": return try OpusAudioEncoder(format: format, settings: settings)
    case "speex": return try SpeexAudioEncoder(format: format, settings: settings)
    case "g722": return try G722Encoder(format: format, settings: settings)
    case let name where G726Mode.encodingNames.contains(name):
      return try G726Encoder(format: format, settings: settings)
    case "gsm": return try GSMEncoder(format: format)
    case "g729": return try G729Encoder(format: format, settings: settings)
    case "amr", "amr-wb": return try AMRAudioEncoder(format: format, settings: settings)
    default:
      throw .unsupported(format, "no encoder for \(format.encodingName)")
    }
  }
}
