import RTPPackets

/// An RTP packet the jitter buffer hands back, ready for play-out or dropped.
///
/// `packet` views bytes that are valid only during the handler call that receives it.
public struct JitterBufferPacket {
  /// The sequence number extended to 64 bits (RFC 3550 appendix A.1), counting wraps.
  public var extendedSequence: Int64
  /// When the packet arrived, in nanoseconds on the caller's clock (a capture's timestamps).
  public var arrival: Int64
  /// The validated packet.
  public var packet: RTPPacket

  /// A packet of extended sequence number `extendedSequence` that arrived at `arrival`.
  public init(extendedSequence: Int64, arrival: Int64, packet: RTPPacket) {
    self.extendedSequence = extendedSequence
    self.arrival = arrival
    self.packet = packet
  }
}
