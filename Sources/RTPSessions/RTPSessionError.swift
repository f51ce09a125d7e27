import RTPBase
import RTPNetwork
import RTPPackets
import RTPPlayout

/// What can go wrong making, starting or using an ``RTPSession``.
public enum RTPSessionError: Error, Equatable, CustomStringConvertible {
  /// Neither a send port nor a receive port: a session needs at least one.
  case noPort
  /// A send port without a peer address to send to.
  case sendPortWithoutPeer
  /// RTCP on a port of its own after RTP's needs a receive port below 65535.
  case noRTCPPort(receivePort: UInt16)
  /// A payload type outside 0...127.
  case invalidPayloadType(Int)
  /// A jitter buffer size outside 1...``/RTPPlayout/JitterBuffer/maximumCapacity``.
  case invalidJitterBufferSize(Int)
  /// A clock rate that is not positive.
  case invalidClockRate(Int)
  /// A minimum RTCP interval, bandwidth or timeout multiplier that is not positive.
  case invalidRTCPSetting(String)
  /// The cookie names no session of this control.
  case unknownCookie(RTPSessionCookie)
  /// The session was added to a control already.
  case alreadyAdded
  /// The operation needs a started session.
  case notRunning
  /// Nowhere to send RTP yet: no send port, and nothing heard from the peer.
  case noDestination
  /// A packet given to ``RTPSession/sendPacket(_:at:)`` is not valid RTP.
  case invalidPacket(RTPParseError)
  /// The network layer failed (binding, a full queue, a closed channel…).
  case network(NetworkError)
  /// The RTCP scheduler's thread could not be started: the `pthread_create` error.
  case cannotStartScheduler(SystemError)
  /// The RTCP scheduler the session was to run on has been shut down.
  case schedulerShutDown

  public var description: String {
    switch self {
    case .noPort: return "a session needs a send port or a receive port"
    case .sendPortWithoutPeer: return "a send port needs a peer address"
    case .noRTCPPort(let port):
      return "receive port \(port) leaves no port for RTCP after it"
    case .invalidPayloadType(let type): return "payload type \(type) is outside 0...127"
    case .invalidJitterBufferSize(let size):
      return "jitter buffer size \(size) is outside 1...\(JitterBuffer.maximumCapacity)"
    case .invalidClockRate(let rate): return "clock rate \(rate) is not positive"
    case .invalidRTCPSetting(let what): return "\(what) must be positive"
    case .unknownCookie(let cookie): return "no \(cookie)"
    case .alreadyAdded: return "the session belongs to a control already"
    case .notRunning: return "the session is not running"
    case .noDestination: return "no destination: no send port and nothing heard from the peer"
    case .invalidPacket(let error): return "not an RTP packet: \(error)"
    case .network(let error): return "\(error)"
    case .cannotStartScheduler(let error): return "\(error)"
    case .schedulerShutDown: return "\(RTPProcError.shutDown)"
    }
  }
}
