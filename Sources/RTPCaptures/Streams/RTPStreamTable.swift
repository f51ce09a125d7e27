import RTPBase
import RTPPackets

/// The RTP streams of a capture, in the order they first appear, built in one pass with bounded
/// memory: what `rtpjb --list` prints and what it chooses a stream from.
///
/// At most ``limit`` distinct streams are tracked; packets of streams beyond that are counted in
/// ``untrackedPackets`` and in a bounded ``RTPStreamSketch``, so a capture of random SSRCs cannot
/// grow memory without bound, and a busy stream that starts after the table is full is still
/// found (listed after the tracked ones, its packets counted from when the sketch took it in).
public struct RTPStreamTable: Sendable {
  /// The most distinct streams tracked by default.
  public static let defaultLimit = 65536

  /// The most distinct streams tracked.
  public let limit: Int
  /// Every flow tracked, in order of its first packet, on probation or not.
  public private(set) var tracked: [RTPStreamSummary] = []
  /// Valid RTP packets of streams that did not fit under ``limit``.
  public private(set) var untrackedPackets = 0
  /// The busiest of the streams that did not fit.
  public private(set) var overflow = RTPStreamSketch()
  /// UDP datagrams that were not RTP: RTCP, or not version 2 (RFC 5761 demultiplexing).
  public private(set) var notRTP = 0
  /// UDP datagrams that looked like RTP but failed validation (CSRCs, extension or padding past
  /// the end).
  public private(set) var invalidRTP = 0
  /// Packets counted from their header alone: the capture cut their payload short (a short
  /// snaplen, an rtpdump header-only record).
  public private(set) var truncatedPackets = 0
  private var index: [RTPStreamKey: Int] = [:]
  /// The stream of the last packet: consecutive packets usually share it, so most packets cost
  /// a comparison rather than a hash lookup.
  private var lastIndex = -1

  /// Creates an empty table tracking up to `limit` streams.
  public init(limit: Int = RTPStreamTable.defaultLimit) {
    precondition(limit >= 1, "a stream table tracks at least one stream")
    self.limit = limit
  }

  /// Counts one UDP datagram: a packet of its stream if it is valid RTP, else in ``notRTP`` or
  /// ``invalidRTP``.
  @inline(__always)
  public mutating func count(_ datagram: UDPDatagram) {
    let packet: RTPPacket
    switch RTPPayload(sorting: datagram) {
    case .packet(let valid):
      packet = valid
      if datagram.isTruncated { truncatedPackets += 1 }
    case .invalid:
      invalidRTP += 1
      return
    case .notRTP:
      notRTP += 1
      return
    }
    count(
      packet, source: datagram.source, destination: datagram.destination,
      time: datagram.timestamp)
  }

  /// Counts a valid RTP packet sent from `source` to `destination` and captured at `time`.
  @inline(__always)
  public mutating func count(
    _ packet: RTPPacket, source: Endpoint, destination: Endpoint, time: Int64
  ) {
    let ssrc = packet.ssrc
    if lastIndex >= 0,
      tracked[lastIndex].key.matches(ssrc: ssrc, source: source, destination: destination)
    {
      tracked[lastIndex].count(packet, time: time)
      return
    }
    countInAnotherStream(packet, source: source, destination: destination, time: time)
  }

  /// ``count(_:source:destination:time:)`` for a packet of another stream than the last one's:
  /// looked up, or a new stream. Kept out of line so that the usual packet does not pay for
  /// the key it does not need.
  @inline(never)
  private mutating func countInAnotherStream(
    _ packet: RTPPacket, source: Endpoint, destination: Endpoint, time: Int64
  ) {
    let key = RTPStreamKey(ssrc: packet.ssrc, source: source, destination: destination)
    if let found = index[key] {
      lastIndex = found
    } else if tracked.count < limit {
      lastIndex = tracked.count
      index[key] = lastIndex
      tracked.append(
        RTPStreamSummary(key: key, firstSequence: packet.sequenceNumber, time: time))
    } else {
      untrackedPackets += 1
      overflow.count(packet, key: key, time: time)
      return
    }
    tracked[lastIndex].count(packet, time: time)
  }

  /// The RTP streams, in order of their first packet: the flows that passed probation (two
  /// packets in sequence, RFC 3550 appendix A.1), as tshark's heuristic finds them.
  ///
  /// After the tracked streams come those past ``limit`` that the sketch holds with at least
  /// two packets of their own, in order of first packet.
  public var streams: [RTPStreamSummary] {
    let beyond = overflow.entries.map(\.summary)
      .filter { $0.isConfirmed && $0.packets >= 2 }
      .sorted { $0.firstTime < $1.firstTime }
    return tracked.filter(\.isConfirmed) + beyond
  }

  /// Streams past ``limit`` that ``streams`` lists: their packet counts start when the sketch
  /// took them in.
  public var streamsBeyondLimit: Int {
    overflow.entries.filter { $0.summary.isConfirmed && $0.summary.packets >= 2 }.count
  }

  /// Packets of flows that never passed probation: a datagram that only looks like RTP.
  public var unconfirmedPackets: Int {
    tracked.reduce(0) { $0 + ($1.isConfirmed ? 0 : $1.packets) }
  }

  /// Counts every datagram `reader` returns, to the end of the capture.
  ///
  /// On a damaged capture this throws after counting every datagram before the damage; the
  /// table keeps them. `progress`, if given, is called with the records read so far.
  public mutating func read(from reader: DatagramReader, progress: ProgressHandler? = nil)
    throws(CaptureError)
  {
    try reader.forEach(progress: progress) { count($0) }
  }

  /// The index in ``streams`` of the stream with the most packets, the first seen among equals;
  /// `nil` when there is none.
  public var busiest: Int? {
    let streams = self.streams
    var best: Int?
    for (position, stream) in streams.enumerated()
    where best.map({ stream.packets > streams[$0].packets }) ?? true {
      best = position
    }
    return best
  }

  /// The streams as a table for people: a header line, then one line per stream with its
  /// 1-based index (what `--stream` takes), SSRC, endpoints, payload types, packets, first and
  /// last sequence numbers and duration in seconds.
  package var listing: String {
    let header = [
      "#", "SSRC", "SOURCE", "DESTINATION", "PT", "PACKETS", "FIRST", "LAST", "SECONDS",
    ]
    var rows = [header]
    for (position, stream) in streams.enumerated() {
      rows.append([
        String(position + 1), RTPStreamTable.hex(stream.key.ssrc),
        stream.key.source.description, stream.key.destination.description,
        stream.payloadTypes.map { String($0) }.joined(separator: ","), String(stream.packets),
        String(stream.firstSequence), String(stream.lastSequence),
        RTPStreamTable.seconds(stream.duration),
      ])
    }
    var widths = [Int](repeating: 0, count: header.count)
    for row in rows {
      for (column, cell) in row.enumerated() { widths[column] = max(widths[column], cell.count) }
    }
    // Text columns are aligned left, numbers right.
    let leftAligned: Set<Int> = [1, 2, 3, 4]
    var text = ""
    for row in rows {
      var line = ""
      for (column, cell) in row.enumerated() {
        let padding = String(repeating: " ", count: widths[column] - cell.count)
        if column > 0 { line += "  " }
        line += leftAligned.contains(column) ? cell + padding : padding + cell
      }
      while line.hasSuffix(" ") { line.removeLast() }
      text += line + "\n"
    }
    return text
  }

  /// `0x` and eight upper-case hexadecimal digits, as tshark prints SSRCs.
  package static func hex(_ ssrc: UInt32) -> String {
    let digits = String(ssrc, radix: 16, uppercase: true)
    return "0x" + String(repeating: "0", count: 8 - digits.count) + digits
  }

  /// Nanoseconds as seconds with three decimals, rounded down.
  static func seconds(_ nanoseconds: Int64) -> String {
    let milliseconds = nanoseconds / 1_000_000
    let fraction = String(abs(milliseconds % 1000))
    let sign = milliseconds < 0 ? "-" : ""
    return sign + String(abs(milliseconds / 1000)) + "."
      + String(repeating: "0", count: 3 - fraction.count) + fraction
  }
}
