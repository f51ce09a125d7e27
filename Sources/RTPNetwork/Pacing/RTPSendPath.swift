/// A way out for an ``RTPSender``'s packets other than a socket of its own: an RTP session's
/// RTP channel, through the session, which counts what leaves for its sender reports.
///
/// The sender sends one stream through a path, waiting on ``sendChannel``'s queue as it waits on
/// its own channel's.
public protocol RTPSendPath: AnyObject {
  /// The channel the packets leave by, whose queue the sender waits on; `nil` while the path is
  /// not open (the sender then makes a channel of its own).
  var sendChannel: RTPChannel? { get }

  /// Queues `packet` to leave at `deadline` on the network clock; `nil` for now.
  func send(_ packet: UnsafeRawBufferPointer, at deadline: NetworkInstant?) -> RTPSendPathResult
}
