import RTPBase

/// Follows the RFC 4733 reports of one stream and turns them into whole events: one per event
/// start timestamp, however often its reports are repeated (RFC 4733 sends the end three times,
/// and the rest may be duplicated or reordered by the network).
public struct TelephoneEventTracker: Sendable {
  private var current:
    (code: UInt8, timestamp: UInt32, duration: Int, volume: UInt8, arrival: CaptureTime)?
  private var lastEndedTimestamp: UInt32?
  /// Events ended so far, in order.
  public private(set) var events: [TelephoneEventRecord] = []
  /// Reports of an event already ended (the repeated end packets), ignored.
  public private(set) var repeatedReports = 0

  /// An empty tracker.
  public init() {}

  /// Takes one report, carried by a packet with RTP timestamp `timestamp` that arrived at
  /// `arrival`.
  public mutating func observe(_ report: TelephoneEvent, timestamp: UInt32, arrival: CaptureTime) {
    if let lastEndedTimestamp, lastEndedTimestamp == timestamp, current == nil {
      repeatedReports += 1
      return
    }
    if let open = current, open.timestamp != timestamp {
      close(ended: false)
    }
    if current == nil {
      current = (report.code, timestamp, Int(report.duration), report.volume, arrival)
    } else {
      current!.duration = max(current!.duration, Int(report.duration))
    }
    if report.isEnd { close(ended: true) }
  }

  /// Ends an event left open (its end reports lost), at the end of the stream.
  public mutating func finish() {
    if current != nil { close(ended: false) }
  }

  private mutating func close(ended: Bool) {
    guard let open = current else { return }
    events.append(
      TelephoneEventRecord(
        code: open.code, timestamp: open.timestamp, duration: open.duration, volume: open.volume,
        arrival: open.arrival, ended: ended))
    lastEndedTimestamp = open.timestamp
    current = nil
  }
}
