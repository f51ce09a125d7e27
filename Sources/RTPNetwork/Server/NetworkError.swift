import RTPCaptures

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#endif

/// What can go wrong on the network side of RTPCore: resolving and binding (tools map these to
/// exit 69), bad arguments (exit 64), and the run-time conditions of a channel.
public enum NetworkError: Error, Equatable, CustomStringConvertible {
  /// `host` could not be resolved; `reason` is the resolver's text.
  case cannotResolve(host: String, reason: String)
  /// The socket could not be bound to `address`; `errno` says why (`EADDRINUSE`, `EACCES`, …).
  case cannotBind(address: String, errno: Int32)
  /// A socket, epoll or thread call failed; `operation` names it.
  case systemCall(operation: String, errno: Int32)
  /// The queue size is not a power of two greater than zero.
  case invalidQueueSize(Int)
  /// A datagram larger than the channel's largest packet (or than UDP allows).
  case packetTooLarge(size: Int, limit: Int)
  /// The channel's output queue is full; the packet was not queued (and was counted).
  case queueFull
  /// `send` before `setTarget`.
  case noTarget
  /// An address of one family given to a socket of the other (an IPv6 target on an IPv4 socket).
  case addressFamilyMismatch(Endpoint)
  /// The channel was closed or its server shut down.
  case closed
  /// The kernel refused to send `count` queued datagrams (no route, a filter…); each was
  /// dropped and counted in ``RTPChannelCounters/sendErrors``.
  case sendFailed(count: Int)

  public var description: String {
    switch self {
    case .cannotResolve(let host, let reason):
      return "cannot resolve \(host): \(reason)"
    case .cannotBind(let address, let code):
      return "cannot bind \(address): \(Self.text(code))"
    case .systemCall(let operation, let code):
      return "\(operation): \(Self.text(code))"
    case .invalidQueueSize(let size):
      return "invalid queue size \(size): must be a power of two greater than zero"
    case .packetTooLarge(let size, let limit):
      return "packet of \(size) bytes exceeds the limit of \(limit)"
    case .queueFull:
      return "output queue full"
    case .noTarget:
      return "no target set"
    case .addressFamilyMismatch(let endpoint):
      return "address \(endpoint) does not match the socket's family"
    case .closed:
      return "channel closed"
    case .sendFailed(let count):
      return "\(count) datagrams could not be sent"
    }
  }

  /// Whether this error means the network (a name, an address or a port) is unavailable, the
  /// condition tools report with exit status 69.
  public var isUnavailable: Bool {
    switch self {
    case .cannotResolve, .cannotBind, .systemCall: return true
    default: return false
    }
  }

  static func text(_ code: Int32) -> String {
    String(cString: strerror(code))
  }
}
