import RTPAudio

/// The payload formats this toolkit decodes, by RFC 4855 encoding name, and the decoder for
/// each.
public enum CodecRegistry {
  /// The encoding names with a decoder, in lower case.
  public static let decodableEncodings: [String] =
    ["pcmu", "pcma", "l16", "l24", "dvi4", "opus", "speex", "gsm", "g729", "g722", "amr", "amr-wb"]
    + G726Mode.encodingNames

  /// Video encoding names, in lower case.
  static let videoEncodings: Set<String> = [
    "h261", "h263", "h263-1998", "h263-2000", "h264", "h264-svc", "h265", "vp8", "vp9", "av1",
    "jpeg", "mpv", "mp2t", "celb", "nv", "raw",
  ]

  /// What `format` carries, `nil` for an audio encoding with no decoder here.
  public static func role(of format: PayloadFormat) -> PayloadRole? {
    let name = format.normalizedName
    if name == "telephone-event" { return .telephoneEvent }
    if name == "cn" { return .comfortNoise }
    if videoEncodings.contains(name) { return .video }
    return decodableEncodings.contains(name) ? .audio : nil
  }

  /// A decoder for `format`.
  ///
  /// - Throws: ``CodecError/unsupported(_:_:)`` for a format with no decoder (events, comfort
  ///   noise and video included), ``CodecError/invalidParameters(_:_:)`` for a rate or channel
  ///   count the codec cannot take, ``CodecError/library(call:message:)`` when the codec
  ///   library fails.
  public static func makeDecoder(for format: PayloadFormat) throws(CodecError) -> any AudioDecoder {
    guard format.channels >= 1, format.clockRate >= 1 else {
      throw .invalidParameters(format, "needs a clock rate and at least one channel")
    }
    switch format.normalizedName {
    case "pcmu": return G711Decoder(format: format, law: .ulaw)
    case "pcma": return G711Decoder(format: format, law: .alaw)
    case "l16": return LinearPCMDecoder(format: format, bytesPerSample: 2)
    case "l24": return LinearPCMDecoder(format: format, bytesPerSample: 3)
    case "dvi4": return try DVI4Decoder(format: format)
    case "gsm": return try GSMDecoder(format: format)
    case "g729": return try G729Decoder(format: format)
    case "opus":
      guard format.clockRate == 48000 else {
        throw .invalidParameters(format, "Opus's RTP clock is always 48000 (RFC 7587)")
      }
      return try OpusAudioDecoder(format: format)
    case "speex": return try SpeexAudioDecoder(format: format)
    case "g722": return try G722Decoder(format: format)
    case let name where G726Mode.encodingNames.contains(name):
      return try G726Decoder(format: format)
    case "amr", "amr-wb": return try AMRAudioDecoder(format: format)
    default:
      switch role(of: format) {
      case .telephoneEvent: throw .unsupported(format, "events are not audio")
      case .comfortNoise: throw .unsupported(format, "comfort noise is not decoded as audio")
      case .video: throw .unsupported(format, "video is not audio")
      case .audio, nil: throw .unsupported(format, "no decoder for \(format.encodingName)")
      }
    }
  }
}
