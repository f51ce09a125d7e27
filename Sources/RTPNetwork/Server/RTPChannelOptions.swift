/// How an ``RTPServer`` sets up a channel's socket: its IP version, its receive buffer, and —
/// for a channel that sends — its output queue.
///
/// The defaults are those of an `RTPSessionConfiguration`'s RTP socket, so a channel made
/// directly and a session's behave alike unless told otherwise.
public struct RTPChannelOptions: Sendable, Hashable {
  /// The receive buffer a channel asks for by default: 1 MiB, what a session's sockets ask for.
  public static let defaultReceiveBufferSize = 1 << 20

  /// The socket's IP version; ``AddressFamily/auto`` takes it from the bind address.
  public var family: AddressFamily
  /// `SO_RCVBUF` bytes asked for (the kernel caps it at `rmem_max`); 0 keeps the system's
  /// default.
  public var receiveBufferSize: Int
  /// The output queue and send buffer, or `nil` for a channel that only receives: it allocates
  /// no queue, and its sends throw ``NetworkError/receiveOnly``.
  public var sending: RTPChannelSendOptions?

  /// Options for a channel that sends and receives (by default) or, with `sending` `nil`,
  /// only receives.
  public init(
    family: AddressFamily = .auto, receiveBufferSize: Int = Self.defaultReceiveBufferSize,
    sending: RTPChannelSendOptions? = RTPChannelSendOptions()
  ) {
    self.family = family
    self.receiveBufferSize = receiveBufferSize
    self.sending = sending
  }

  /// Options for a channel that never sends (a recorder's socket): no output queue.
  public static func receiveOnly(
    family: AddressFamily = .auto, receiveBufferSize: Int = defaultReceiveBufferSize
  ) -> RTPChannelOptions {
    RTPChannelOptions(family: family, receiveBufferSize: receiveBufferSize, sending: nil)
  }
}
