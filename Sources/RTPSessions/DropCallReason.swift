import RTPNetwork

/// Why a session's call was dropped: what ``RTPSession/dropCall(reason:)`` is told, once.
public enum DropCallReason: Sendable, Equatable, CustomStringConvertible {
  /// The peer sent an RTCP BYE.
  case bye
  /// Nothing (neither RTP nor RTCP) came from the peer for the session's timeout, five RTCP
  /// intervals by default (RFC 3550 section 6.3.5).
  case timeout
  /// The session's sockets failed: closed under it (its server shut down) or datagrams the
  /// kernel refused to send.
  case socketError(NetworkError)

  public var description: String {
    switch self {
    case .bye: return "BYE from the peer"
    case .timeout: return "peer timed out"
    case .socketError(let error): return "socket error: \(error)"
    }
  }
}
