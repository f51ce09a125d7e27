/// What a UDP payload carries, told apart the way RFC 5761 section 4 demultiplexes RTP and RTCP
/// on one port.
public enum RTPPacketKind: Sendable, Hashable {
  /// Version 2 with a second octet outside RTCP's range: an RTP packet (still to be validated).
  case rtp
  /// Version 2 with a second octet in 192...223: RTCP (SR 200, RR 201, SDES 202, BYE 203,
  /// APP 204, feedback and XR), which as RTP would read as payload types 64–95 with the marker.
  case rtcp
  /// Not version 2, or shorter than a header: neither.
  case other

  /// Classifies `bytes` from their first two octets.
  @inlinable
  public init(classifying bytes: UnsafeRawBufferPointer) {
    guard bytes.count >= 4, bytes[0] >> 6 == 2 else {
      self = .other
      return
    }
    self = RTPPacketKind.isRTCPPacketType(bytes[1]) ? .rtcp : .rtp
  }

  /// Whether a second octet falls in the range RFC 5761 reserves for RTCP packet types.
  @inlinable
  public static func isRTCPPacketType(_ secondOctet: UInt8) -> Bool {
    secondOctet >= 192 && secondOctet <= 223
  }
}
