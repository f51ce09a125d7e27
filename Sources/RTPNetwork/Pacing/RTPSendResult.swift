import RTPCaptures

/// What an ``RTPSender`` did, read once it has finished.
public struct RTPSendResult: Sendable {
  /// Datagrams read from the input, every repetition counted.
  public var read = 0
  /// Of those, the RTP and RTCP ones (version 2; not yet validated).
  public var rtp = 0
  /// Records of the input (its first pass) that held no UDP datagram, by reason.
  public var skipped = SkipCounters()
  /// Datagrams longer than ``RTPSender/maximumPacketSize``, not sent (each copy counted).
  public var oversized = 0
  /// Copies the channel refused for a reason other than a full queue (none are expected).
  public var unsendable = 0
  /// The channel's counters: sent, send errors, queue full, discarded.
  public var counters = RTPChannelCounters()
  /// How late the paced datagrams left.
  public var lateness = LatenessHistogram()

  /// A result with every count zero.
  public init() {}
}
