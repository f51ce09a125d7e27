/// How an audio stream is framed on the wire or on disk.
public enum AudioContainer: Sendable, Hashable {
  /// RIFF/WAVE: a header describing the samples, then a data chunk.
  case wav
  /// Samples only, with no header; the reader must be told the rate, channels and encoding.
  case raw
}
