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
  @inlinable @inline(__always)
  public init(sorting bytes: UnsafeRawBufferPointer) {
    // Nearly every packet has a bare 12-byte header (version 2, no padding, extension or
    // CSRCs), which needs no more checking than this: valid, as the full validation finds.
    if bytes.count >= 12, bytes[0] == 0x80, !RTPPacketKind.isRTCPPacketType(bytes[1]) {
      self = .packet(RTPPacket(validated: bytes, headerLength: 12, paddingLength: 0))
      return
    }
    self.init(sortingInFull: bytes)
  }

  /// Sorts the first bytes of a datagram that a capture cut short: a packet whose header is
  /// whole in them (its payload only begun), or which way it fails.
  @inline(never)
  public init(sortingTruncated bytes: UnsafeRawBufferPointer) {
    self.init(sortingInFull: bytes, truncated: true)
  }

  /// ``init(sorting:)`` for any datagram: full validation, and which way it fails.
  @inline(never) @usableFromInline
  init(sortingInFull bytes: UnsafeRawBufferPointer, truncated: Bool = false) {
    do {
      self = .packet(try RTPPacket(validating: bytes, truncated: truncated))
    } catch {
      self = RTPPacketKind(classifying: bytes) == .rtp ? .invalid(error) : .notRTP
    }
  }
}
