/// Why libsrtp refused to protect or unprotect a packet, or to create a session.
public enum SRTPError: Error, Sendable, Hashable, CustomStringConvertible {
  /// The packet failed authentication: a wrong key, or a forged or damaged packet.
  case authenticationFailure
  /// The packet repeats one already accepted, or is older than the replay window.
  case replay
  /// The packet is too short, or its buffer has no room for the trailer protection adds.
  case badPacket
  /// Another libsrtp failure, by its `srtp_err_status_t` code.
  case library(code: Int)

  /// The failure, as a tool prints it.
  public var description: String {
    switch self {
    case .authenticationFailure: "SRTP authentication failed"
    case .replay: "SRTP replay"
    case .badPacket: "not an SRTP packet this session can take"
    case .library(let code): "libsrtp error \(code)"
    }
  }
}
