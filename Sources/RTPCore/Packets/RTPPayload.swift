/// A UDP payload sorted the way the tools count what they read: a valid RTP packet, something
/// that claims to be RTP (version 2, not an RTCP type) but fails validation, or not RTP at all.
public enum RTPPayload {
  /// A valid RTP packet, viewing the payload's bytes.
  case packet(RTPPacket)
  /// Looks like RTP and is not valid; the reason.
  case invalid(RTPParseError)
  /// RTCP, another RTP version, or too short to be either.
  case notRTP

  /// Validates `bytes` and, when they are not a valid packet, says which way they fail.
  @inlinable
  public init(sorting bytes: UnsafeRawBufferPointer) {
    do {
      self = .packet(try RTPPacket(validating: bytes))
    } catch {
      self = RTPPacketKind(classifying: bytes) == .rtp ? .invalid(error) : .notRTP
    }
  }
}
