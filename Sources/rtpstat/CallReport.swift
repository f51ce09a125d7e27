import RTPAnalysis
import RTPBase
import RTPCaptures
import RTPCodecs
import RTPIO
import RTPPackets
import RTPSignalling

/// One row of `rtpstat --calls`: a SIP call of the capture with the RTP its SDP describes, one
/// direction per audio destination, and the DTMF digits sent as RFC 4733 events.
struct CallReport {
  /// One direction of a call's audio: the streams sent to one destination its SDP names.
  struct Direction {
    var source: Endpoint
    var destination: Endpoint
    var codec: String
    var packets: Int
    var lost: Int64
    var meanJitterMs: Double
    var maxJitterMs: Double
  }

  var callID: String
  var from: String
  var to: String
  /// Seconds from the capture's first record to the call's INVITE (or first message).
  var start: Double
  /// Seconds from then to the end of the call: its BYE's answer, its BYE, or its last RTP.
  var duration: Double
  var directions: [Direction]
  var digits: String

  /// The calls of `tracker` with the statistics of the `streams` their SDP describes, times
  /// relative to `origin`, and the digits sent to each destination.
  static func reports(
    tracker: SIPCallTracker, streams: [RTPStreamStatistics], origin: Int64,
    digits: [Endpoint: String]
  ) -> [CallReport] {
    tracker.calls.map { call in
      var destinations: [Endpoint] = []
      for binding in call.media where binding.media.lowercased() == "audio" {
        if !destinations.contains(binding.destination) { destinations.append(binding.destination) }
      }
      var directions: [Direction] = []
      var lastRTP: Int64 = 0
      for destination in destinations {
        // The streams sent there while this call's SDP covered the destination (calls after
        // one another may reuse an address and port).
        let sent = streams.filter { stream in
          stream.key.destination == destination
            && tracker.call(forDestination: destination, at: origin + stream.start)?.callID
              == call.callID
        }
        guard let first = sent.first else { continue }
        lastRTP = max(lastRTP, sent.map(\.end).max() ?? 0)
        directions.append(
          Direction(
            source: first.key.source, destination: destination,
            codec: Set(sent.map(\.payloadTypeName)).sorted().joined(separator: "+"),
            packets: sent.reduce(0) { $0 + $1.packets },
            lost: sent.reduce(0) { $0 + $1.lost },
            meanJitterMs: sent.map(\.meanJitterMs).max() ?? 0,
            maxJitterMs: sent.map(\.maxJitterMs).max() ?? 0))
      }
      let start = call.inviteTime ?? call.firstMessageTime
      let end = call.endTime ?? call.byeTime ?? (lastRTP > 0 ? origin + lastRTP : start)
      return CallReport(
        callID: call.callID, from: call.from?.uri ?? "", to: call.to?.uri ?? "",
        start: Double(start - origin) / 1e9, duration: Double(max(end - start, 0)) / 1e9,
        directions: directions,
        digits: destinations.compactMap { digits[$0] }.joined())
    }
  }

  /// The destinations of RTP `tracker`'s SDP declares telephone events for, with their types.
  static func eventTypes(_ tracker: SIPCallTracker) -> [Endpoint: Set<UInt8>] {
    var types: [Endpoint: Set<UInt8>] = [:]
    for call in tracker.calls {
      for binding in call.media {
        for mapping in binding.mappings
        where CodecRegistry.role(of: mapping.format) == .telephoneEvent {
          types[binding.destination, default: []].insert(mapping.payloadType)
        }
      }
    }
    return types
  }

  /// The digits of the RFC 4733 events sent to each destination of `types` in the capture
  /// `source` holds, in the order they were sent.
  static func digits(in source: InputSource, types: [Endpoint: Set<UInt8>]) -> [Endpoint: String] {
    guard !types.isEmpty, let reader = try? DatagramReader(source: source) else { return [:] }
    var trackers: [RTPStreamKey: TelephoneEventTracker] = [:]
    while let datagram = try? reader.next() {
      guard let wanted = types[datagram.destination],
        case .packet(let packet) = RTPPayload(sorting: datagram),
        wanted.contains(packet.payloadType),
        let report = TelephoneEvent(packet.payload)
      else { continue }
      let key = RTPStreamKey(
        ssrc: packet.ssrc, source: datagram.source, destination: datagram.destination)
      trackers[key, default: TelephoneEventTracker()].observe(
        report, timestamp: packet.timestamp, arrival: CaptureTime(clamping: datagram.timestamp))
    }
    var digits: [Endpoint: String] = [:]
    for (key, var tracker) in trackers {
      tracker.finish()
      digits[key.destination, default: ""] += tracker.events.map(\.symbol).joined()
    }
    return digits
  }

  /// The table: a header line, then one line per call; directions within a cell joined by
  /// " / ", in the order of the call's SDP.
  static func table(_ reports: [CallReport]) -> String {
    let headers = [
      "Call-ID", "From", "To", "Start", "Duration", "Codecs", "Pkts", "Lost", "Max Jitter(ms)",
      "DTMF",
    ]
    var rows = [headers]
    for report in reports {
      func joined(_ value: (Direction) -> String) -> String {
        report.directions.isEmpty ? "-" : report.directions.map(value).joined(separator: " / ")
      }
      rows.append([
        report.callID, report.from, report.to, DecimalText.fixed(report.start, decimals: 6),
        DecimalText.fixed(report.duration, decimals: 3), joined(\.codec),
        joined { String($0.packets) }, joined { String($0.lost) },
        joined { DecimalText.fixed($0.maxJitterMs, decimals: 3) },
        report.digits.isEmpty ? "-" : report.digits,
      ])
    }
    let widths = headers.indices.map { column in rows.map { $0[column].count }.max() ?? 0 }
    return rows.map { row in
      zip(row, widths).map { $0 + String(repeating: " ", count: $1 - $0.count) }
        .joined(separator: "  ").trimmingTrailingSpaces()
    }.joined(separator: "\n") + "\n"
  }

  /// A JSON array with one object per call.
  static func json(_ reports: [CallReport]) -> String {
    let calls = reports.map { report in
      let directions = report.directions.map { direction in
        "{\"src\":\(JSONText.quoted(direction.source.description)),"
          + "\"dst\":\(JSONText.quoted(direction.destination.description)),"
          + "\"codec\":\(JSONText.quoted(direction.codec)),\"packets\":\(direction.packets),"
          + "\"lost\":\(direction.lost),"
          + "\"meanJitterMs\":\(DecimalText.fixed(direction.meanJitterMs, decimals: 3)),"
          + "\"maxJitterMs\":\(DecimalText.fixed(direction.maxJitterMs, decimals: 3))}"
      }
      return "{\"callID\":\(JSONText.quoted(report.callID)),"
        + "\"from\":\(JSONText.quoted(report.from)),\"to\":\(JSONText.quoted(report.to)),"
        + "\"start\":\(DecimalText.fixed(report.start, decimals: 6)),"
        + "\"duration\":\(DecimalText.fixed(report.duration, decimals: 6)),"
        + "\"directions\":[\(directions.joined(separator: ","))],"
        + "\"dtmf\":\(JSONText.quoted(report.digits))}"
    }
    return "[" + calls.joined(separator: ",\n") + "]\n"
  }
}

extension String {
  /// The string without the spaces at its end.
  fileprivate func trimmingTrailingSpaces() -> String {
    var text = self
    while text.last == " " { text.removeLast() }
    return text
  }
}
