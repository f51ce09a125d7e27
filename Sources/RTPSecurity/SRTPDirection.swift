/// Which way an ``SRTPSession`` works: unprotecting what it receives or protecting what it sends.
public enum SRTPDirection: Sendable, Hashable {
  /// Received packets of any SSRC are unprotected.
  case inbound
  /// Packets of any SSRC are protected to send.
  case outbound
}
