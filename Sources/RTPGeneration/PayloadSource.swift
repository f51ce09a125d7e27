import RTPIO

/// Where a generated stream's payload comes from.
public enum PayloadSource {
  /// Digital silence in the stream's encoding.
  case silence
  /// A sine tone of this many Hz, encoded in the stream's encoding.
  case tone(frequency: Double)
  /// Encoded bytes read from an input (a file or a pipe), cut into packets.
  case input(InputSource)
}
