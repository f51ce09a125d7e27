import RTPBase

/// A snapshot of one channel's counters.
public struct RTPChannelCounters: Sendable, Hashable {
  /// Datagrams the kernel accepted for sending.
  public var sent: Int = 0
  /// Datagrams a send failed for (no route, permission, …); each was dropped.
  public var sendErrors: Int = 0
  /// The last failed send (`sendmmsg` and its `errno`), `nil` when none failed: why datagrams
  /// were not sent.
  public var lastSendError: SystemError? = nil
  /// `send` calls refused because the output queue was full.
  public var queueFull: Int = 0
  /// Datagrams received and handed to the callback.
  public var received: Int = 0
  /// Datagrams the kernel dropped on this socket's receive queue (buffer full), from
  /// `SO_RXQ_OVFL` and `SO_MEMINFO`.
  public var kernelDrops: Int = 0
  /// Queued datagrams still waiting to leave when the channel closed, dropped.
  public var discarded: Int = 0

  /// Counters that are all zero.
  public init() {}
}
