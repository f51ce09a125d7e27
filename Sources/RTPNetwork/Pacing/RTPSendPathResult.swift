/// What became of a packet handed to an ``RTPSendPath``.
public enum RTPSendPathResult {
  /// Queued to leave at its deadline.
  case queued
  /// The channel's queue is full: the sender waits for room and tries again.
  case queueFull
  /// Not sent, for this reason (the path is closed, the packet is not RTP...): counted as
  /// unsendable.
  case failed(any Error)
}
