/// The transport a SIP message was read from.
public enum SIPTransport: String, Sendable, Hashable, CustomStringConvertible {
  /// One UDP datagram, one message.
  case udp
  /// A TCP stream, cut into messages by Content-Length.
  case tcp

  /// `udp` or `tcp`.
  public var description: String { rawValue }
}
