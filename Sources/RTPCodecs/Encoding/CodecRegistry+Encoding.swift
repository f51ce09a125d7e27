import RTPAudio

extension CodecRegistry {
  /// The encoding names with an encoder, in lower case.
  public static let encodableEncodings: [String] = [
    "pcmu", "pcma", "l16", "l24", "opus", "amr", "amr-wb",
  ]

  /// An encoder for `format` with `settings`.
  ///
  /// - Throws: ``CodecError/unsupported(_:_:)`` for a format with no encoder,
  ///   ``CodecError/invalidParameters(_:_:)`` for a rate, channel count or bit rate the codec
  ///   cannot take, ``CodecError/library(call:message:)`` when the codec library fails.
  public static func makeEncoder(
    for format: PayloadFormat, settings: EncoderSettings = EncoderSettings()
  ) throws(CodecError) -> any AudioEncoder {
    guard format.channels >= 1, format.clockRate >= 1 else {
      throw .invalidParameters(format, "needs a clock rate and at least one channel")
    }
    switch format.normalizedName {
    case "pcmu": return G711Encoder(format: format, law: .ulaw)
    case "pcma": return G711Encoder(format: format, law: .alaw)
    case "l16": return LinearPCMEncoder(format: format, bytesPerSample: 2)
    case "l24": return LinearPCMEncoder(format: format, bytesPerSample: 3)
    case "opus": return try OpusAudioEncoder(format: format, settings: settings)
    case "amr", "amr-wb": return try AMRAudioEncoder(format: format, settings: settings)
    default:
      throw .unsupported(format, "no encoder for \(format.encodingName)")
    }
  }
}
