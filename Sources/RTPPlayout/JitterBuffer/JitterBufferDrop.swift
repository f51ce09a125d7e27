/// A dropped packet, copied, with why it was dropped.
public struct JitterBufferDrop: Sendable, Hashable {
  /// The packet's sequence number, extended past 16 bits as the buffer counts them.
  public var extendedSequence: Int64
  /// When the packet arrived, in the caller's nanoseconds.
  public var arrival: Int64
  /// A copy of the packet.
  public var bytes: [UInt8]
  /// Why it was dropped.
  public var reason: JitterBufferDropReason

  /// A drop record with these values.
  public init(
    extendedSequence: Int64, arrival: Int64, bytes: [UInt8], reason: JitterBufferDropReason
  ) {
    self.extendedSequence = extendedSequence
    self.arrival = arrival
    self.bytes = bytes
    self.reason = reason
  }
}
