/// What fills the audio of packets lost in play-out (`--plc`).
public enum ConcealmentMode: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
  /// The codec's own concealment (Opus, G.711 Appendix I for the waveform codecs), silence
  /// where it has none.
  case codec
  /// Silence of the lost packets' length.
  case silence
  /// Nothing: the audio after a loss follows the audio before it directly, so the output is
  /// shorter than the stream by what was lost.
  case none

  /// The option value.
  public var description: String { rawValue }
}
