/// What became of one protected (SRTP) packet given to an ``RTPPacketUnprotecting``.
public enum RTPUnprotectOutcome: Sendable, Hashable {
  /// Authenticated and decrypted in place: the plain packet is the first `length` bytes.
  case plain(length: Int)
  /// The packet failed authentication: a wrong key, or a forged or damaged packet.
  case authenticationFailure
  /// The packet was a replay of one already accepted, or too old for the replay window.
  case replay
  /// Refused for another reason: too short to be SRTP, or a failure inside the cipher.
  case rejected
}
