/// Why the jitter buffer dropped a packet.
public enum JitterBufferDropReason: String, Sendable, Hashable, CustomStringConvertible {
  /// It arrived after play-out had passed its place.
  case late
  /// A packet with its sequence number was already played or is held.
  case duplicate
  /// Its sequence number jumped so far from the stream's that it is taken for a stray, and the
  /// next packet did not confirm a restart (RFC 3550 appendix A.1's probation).
  case outOfSequence

  public var description: String { rawValue }
}
