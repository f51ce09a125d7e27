/// A dropped packet, copied, with why it was dropped.
public struct JitterBufferDrop: Sendable, Hashable {
  public var extendedSequence: Int64
  public var arrival: Int64
  public var bytes: [UInt8]
  public var reason: JitterBufferDropReason

  public init(
    extendedSequence: Int64, arrival: Int64, bytes: [UInt8], reason: JitterBufferDropReason
  ) {
    self.extendedSequence = extendedSequence
    self.arrival = arrival
    self.bytes = bytes
    self.reason = reason
  }
}
