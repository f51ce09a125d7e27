/// The sending side of a channel (``RTPChannelOptions/sending``): its output queue and send
/// buffer. The defaults are an `RTPSessionConfiguration`'s for its RTP socket.
public struct RTPChannelSendOptions: Sendable, Hashable {
  /// Output queue length, a power of two greater than zero (else
  /// ``NetworkError/invalidQueueSize(_:)``).
  public var queueSize: Int
  /// The largest datagram the channel sends, at most ``RTPServer/maxDatagramSize``; the queue
  /// takes `queueSize` × this many bytes.
  public var maxPacketSize: Int
  /// `SO_SNDBUF` bytes asked for; 0 keeps the system's default.
  public var sendBufferSize: Int

  /// Sending options; the defaults are a session's RTP socket's (32 datagrams of up to 1500
  /// bytes, the system's send buffer).
  public init(queueSize: Int = 32, maxPacketSize: Int = 1500, sendBufferSize: Int = 0) {
    self.queueSize = queueSize
    self.maxPacketSize = maxPacketSize
    self.sendBufferSize = sendBufferSize
  }
}
