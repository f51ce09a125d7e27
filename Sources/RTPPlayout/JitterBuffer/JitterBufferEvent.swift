/// What the jitter buffer reports, in play-out order.
public enum JitterBufferEvent {
  /// A stream starts: the first packet, a new SSRC, or a confirmed restart of the sequence.
  /// No erasure spans a stream start.
  case streamStarted(ssrc: UInt32)
  /// A packet is ready for play-out.
  case ready(JitterBufferPacket)
  /// Packets are missing before the next ready packet.
  case erasure(JitterBufferErasure)
  /// A packet is dropped.
  case dropped(JitterBufferPacket, JitterBufferDropReason)
}
