/// Where a session's RTCP travels.
public enum RTCPTransport: Sendable, Hashable {
  /// On its own socket, the RTP port + 1 (RFC 3550 section 11).
  case separatePort
  /// On the RTP socket, told apart by packet type (RFC 5761).
  case multiplexed
}
