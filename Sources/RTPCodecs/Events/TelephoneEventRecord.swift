import RTPBase

/// One event of a stream, whole: what ``TelephoneEventTracker`` reports once it has ended.
public struct TelephoneEventRecord: Sendable, Hashable {
  /// The event code (``TelephoneEvent/code``).
  public let code: UInt8
  /// The RTP timestamp it started at.
  public let timestamp: UInt32
  /// Its duration in RTP timestamp units, from its last report.
  public let duration: Int
  /// Its volume, -dBm0.
  public let volume: UInt8
  /// When its first report arrived.
  public let arrival: CaptureTime
  /// Whether an end report was seen (false when the end packets were all lost and the event
  /// ended at the next event or the end of the stream).
  public let ended: Bool

  /// The event's symbol (``TelephoneEvent/symbol``).
  public var symbol: String {
    TelephoneEvent(code: code, isEnd: true, volume: 0, duration: 0).symbol
  }
}
