/// A frame of play-out as a value that outlives the feeding call: a packet (its bytes copied) or
/// an erasure. What ``JitterBuffer/feed(_:arrival:)`` returns, as librtpsynth's lists do.
public enum JitterBufferFrame: Sendable, Hashable {
  /// A packet released in order, copied, with its extended sequence number and arrival time.
  case packet(extendedSequence: Int64, arrival: Int64, bytes: [UInt8])
  /// Packets given up on: a void in the play-out.
  case erasure(JitterBufferErasure)
}
