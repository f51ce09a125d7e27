/// A frame of play-out as a value that outlives the feeding call: a packet (its bytes copied) or
/// an erasure. What ``JitterBuffer/feed(_:arrival:)`` returns, as librtpsynth's lists do.
public enum JitterBufferFrame: Sendable, Hashable {
  case packet(extendedSequence: Int64, arrival: Int64, bytes: [UInt8])
  case erasure(JitterBufferErasure)
}
