/// What one call of ``JitterBuffer/feed(_:arrival:)`` or ``JitterBuffer/flush()`` produced: the
/// frames now ready, in play-out order, and the packets dropped, each with its reason.
public struct JitterBufferResult: Sendable, Hashable {
  /// Frames now ready, in play-out order.
  public var ready: [JitterBufferFrame] = []
  /// Packets dropped, each with its reason.
  public var dropped: [JitterBufferDrop] = []

  /// An empty result.
  public init() {}

  mutating func append(_ event: JitterBufferEvent) {
    switch event {
    case .streamStarted:
      break
    case .ready(let packet):
      ready.append(
        .packet(
          extendedSequence: packet.extendedSequence, arrival: packet.arrival,
          bytes: Array(packet.packet.bytes)))
    case .erasure(let erasure):
      ready.append(.erasure(erasure))
    case .dropped(let packet, let reason):
      dropped.append(
        JitterBufferDrop(
          extendedSequence: packet.extendedSequence, arrival: packet.arrival,
          bytes: Array(packet.packet.bytes), reason: reason))
    }
  }
}
