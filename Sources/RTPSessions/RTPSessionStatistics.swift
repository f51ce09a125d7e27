/// A snapshot of one session's counters.
///
/// Every RTP packet the peer sent that reached the session ends in exactly one of
/// ``delivered``, ``late`` or ``duplicates`` once the session is stopped (the jitter buffer is
/// flushed then); the packets that never came are counted in ``lost`` when a later one did.
public struct RTPSessionStatistics: Sendable, Hashable {
  /// RTP packets queued for sending.
  public var rtpSent = 0
  /// Payload octets in them.
  public var octetsSent = 0
  /// RTP packets received from the peer.
  public var rtpReceived = 0
  /// RTP packets handed to ``RTPSession/incomingRTP(cookie:timestamp:payload:previousLost:)``.
  public var delivered = 0
  /// Packets missing before a delivered one (the jitter buffer's erasures).
  public var lost = 0
  /// Packets the jitter buffer dropped for arriving after their turn.
  public var late = 0
  /// Packets the jitter buffer dropped as duplicates.
  public var duplicates = 0
  /// Datagrams from an address other than the peer's, or not RTP or RTCP: ignored.
  public var rejected = 0
  /// Compound RTCP packets sent.
  public var rtcpSent = 0
  /// Compound RTCP packets received from the peer (valid ones).
  public var rtcpReceived = 0
  /// RTCP datagrams from the peer that failed validation.
  public var rtcpInvalid = 0

  /// Statistics that are all zero.
  public init() {}
}
