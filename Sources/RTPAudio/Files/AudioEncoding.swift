/// How the samples of an audio stream are stored: what ``AudioReader/readEncoded(into:)`` hands
/// out and what ``AudioWriter`` stores.
///
/// Files holding 8-, 24- or 32-bit integer PCM or floating point report ``pcm16``: the reader
/// delivers them converted to 16 bits, and that is all a caller can get from them.
public enum AudioEncoding: String, CaseIterable, Sendable, Hashable, CustomStringConvertible {
  /// Signed 16-bit linear PCM, little-endian in WAV and raw streams.
  case pcm16
  /// ITU-T G.711 µ-law, one octet per sample.
  case ulaw
  /// ITU-T G.711 A-law, one octet per sample.
  case alaw

  /// Bytes one sample of one channel takes in a stream of this encoding.
  public var bytesPerSample: Int {
    switch self {
    case .pcm16: return 2
    case .ulaw, .alaw: return 1
    }
  }

  /// The name tools print and accept: `s16le`, `ulaw` or `alaw`.
  public var description: String {
    switch self {
    case .pcm16: return "s16le"
    case .ulaw: return "ulaw"
    case .alaw: return "alaw"
    }
  }
}
