/// Turns protected RTP packets (SRTP, RFC 3711) back into plain ones, in place: what a packet
/// reader above this layer calls, without knowing the security layer that implements it.
public protocol RTPPacketUnprotecting: AnyObject {
  /// Authenticates and decrypts the protected packet that fills `packet`, in place.
  func unprotectPacket(_ packet: UnsafeMutableRawBufferPointer) -> RTPUnprotectOutcome
}
