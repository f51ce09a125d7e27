import RTPBase
import RTPCaptures

/// What can go wrong on the network side of RTPCore: resolving and binding (tools map these to
/// exit 69), a thread the system refuses (exit 70), bad arguments (exit 64), and the run-time
/// conditions of a channel.
///
/// A failed system call is carried as the ``/RTPBase/SystemError`` the call gave, so that whoever
/// reports it says what the kernel said.
public enum NetworkError: Error, Equatable, CustomStringConvertible {
  /// `host` could not be resolved; `reason` is the resolver's text.
  case cannotResolve(host: String, reason: String)
  /// The socket could not be bound to the endpoint; the `bind` error says why (`EADDRINUSE`,
  /// `EACCES`, …).
  case cannotBind(Endpoint, SystemError)
  /// A socket or epoll call failed.
  case system(SystemError)
  /// The system refused the server's worker thread (`pthread_create` failed: out of memory or
  /// over the process's limit), a fault of the host rather than of the network.
  case cannotStartThread(SystemError)
  /// The queue size is not a power of two greater than zero.
  case invalidQueueSize(Int)
  /// A datagram larger than the channel's largest packet (or than UDP allows).
  case packetTooLarge(size: Int, limit: Int)
  /// The channel's output queue is full; the packet was not queued (and was counted).
  case queueFull
  /// `send` before `setTarget`.
  case noTarget
  /// `send` on a channel made receive-only (``RTPChannelOptions/sending`` `nil`): it has no
  /// output queue.
  case receiveOnly
  /// An address of one family given to a socket of the other (an IPv6 target on an IPv4 socket,
  /// or an IPv6 bind address for an ``AddressFamily/ipv4`` channel).
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
    case .cannotBind(let endpoint, let error):
      return "cannot bind \(endpoint): \(error.errno)"
    case .system(let error), .cannotStartThread(let error):
      return "\(error)"
    case .invalidQueueSize(let size):
      return "invalid queue size \(size): must be a power of two greater than zero"
    case .packetTooLarge(let size, let limit):
      return "packet of \(size) bytes exceeds the limit of \(limit)"
    case .queueFull:
      return "output queue full"
    case .noTarget:
      return "no target set"
    case .receiveOnly:
      return "the channel is receive-only"
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
    case .cannotResolve, .cannotBind, .system: return true
    default: return false
    }
  }

  /// The failed system call behind this error, if one is.
  public var systemError: SystemError? {
    switch self {
    case .cannotBind(_, let error), .system(let error), .cannotStartThread(let error):
      return error
    default:
      return nil
    }
  }
}
