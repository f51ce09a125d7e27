/// Which mono signal to take from a stream with several channels.
public enum ChannelSelection: Sendable, Hashable {
  /// The mean of all channels, rounded to the nearest integer (halves away from zero); a mono
  /// stream passes unchanged.
  case mix
  /// One channel, numbered from 1 as `--channel N` numbers it.
  case channel(Int)

  /// Mixing down, what tools do unless told otherwise.
  public static let `default`: ChannelSelection = .mix
}
