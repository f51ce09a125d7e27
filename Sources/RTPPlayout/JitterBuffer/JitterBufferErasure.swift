/// A void in play-out: packets that never arrived in time.
public struct JitterBufferErasure: Sendable, Hashable {
  /// The first missing extended sequence number.
  public var firstSequence: Int64
  /// The last missing extended sequence number.
  public var lastSequence: Int64
  /// RTP timestamp units from the packet played before the void to the one played after it, in
  /// 64 bits so that no length of loss overflows it. The void's own length is this minus the
  /// duration of the packet before it.
  public var timestampSpan: Int64

  /// The erasure of extended sequence numbers `firstSequence` to `lastSequence`, spanning
  /// `timestampSpan` RTP ticks.
  public init(firstSequence: Int64, lastSequence: Int64, timestampSpan: Int64) {
    self.firstSequence = firstSequence
    self.lastSequence = lastSequence
    self.timestampSpan = timestampSpan
  }

  /// How many packets are missing.
  public var packetCount: Int64 { lastSequence - firstSequence + 1 }
}
