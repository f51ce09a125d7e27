import RTPBase
import RTPCaptures

/// rtpstat's output: the streams as a table laid out like `tshark -z rtp,streams` (with
/// duplicates and reordered packets added), or as JSON.
package enum RTPStreamReport {
  private static let headers: [(String, Int)] = [
    ("Start time", 17), ("End time", 13), ("Src IP addr", 15), ("Port", 5),
    ("Dest IP addr", 15), ("Port", 5), ("SSRC", 10), ("Payload", 16), ("Pkts", 5),
    ("Lost", 12), ("Min Delta(ms)", 15), ("Mean Delta(ms)", 15), ("Max Delta(ms)", 15),
    ("Min Jitter(ms)", 15), ("Mean Jitter(ms)", 15), ("Max Jitter(ms)", 15), ("Dups", 5),
    ("Reord", 5),
  ]

  /// The table: a header line, then one line per stream in order of first packet. Times in
  /// seconds since the first record of the capture with 6 decimals, milliseconds with 3.
  ///
  /// With `labels` (one per stream: the capture it came from, when several are reported
  /// together), each line starts with its label in a `File` column.
  package static func table(_ streams: [RTPStreamStatistics], labels: [String]? = nil) -> String {
    precondition(labels.map { $0.count == streams.count } ?? true, "one label per stream")
    let labelWidth = labels.map { max(4, $0.map(\.count).max() ?? 0) }
    var text = labelWidth.map { "File" + String(repeating: " ", count: $0 - 4) + " " } ?? ""
    text += headers.map { DecimalText.right($0.0, $0.1) }.joined(separator: " ")
    text += " Problems?\n"
    for (position, stream) in streams.enumerated() {
      let lost =
        DecimalText.right(String(stream.lost), 5) + " ("
        + DecimalText.fixed(stream.lostPercent, decimals: 1) + "%)"
      let cells = [
        DecimalText.fixed(Double(stream.start) / 1e9, decimals: 6),
        DecimalText.fixed(Double(stream.end) / 1e9, decimals: 6),
        stream.key.source.address.description, String(stream.key.source.port),
        stream.key.destination.address.description, String(stream.key.destination.port),
        RTPStreamTable.hex(stream.key.ssrc), stream.payloadTypeName, String(stream.packets), lost,
        DecimalText.fixed(stream.minDeltaMs, decimals: 3),
        DecimalText.fixed(stream.meanDeltaMs, decimals: 3),
        DecimalText.fixed(stream.maxDeltaMs, decimals: 3),
        DecimalText.fixed(stream.minJitterMs, decimals: 3),
        DecimalText.fixed(stream.meanJitterMs, decimals: 3),
        DecimalText.fixed(stream.maxJitterMs, decimals: 3),
        String(stream.duplicates), String(stream.reordered),
      ]
      var line = ""
      if let labels, let labelWidth {
        let label = labels[position]
        line = label + String(repeating: " ", count: labelWidth - label.count) + " "
      }
      line += zip(cells, headers).map { DecimalText.right($0, $1.1) }.joined(separator: " ")
      line += stream.problems ? " X" : " "
      text += line + "\n"
    }
    return text
  }

  /// A JSON array with one object per stream, keys as the design names them; with `labels`
  /// (one per stream), each object starts with a `file` key holding its label.
  package static func json(_ streams: [RTPStreamStatistics], labels: [String]? = nil) -> String {
    precondition(labels.map { $0.count == streams.count } ?? true, "one label per stream")
    var text = "["
    for (position, stream) in streams.enumerated() {
      text += position == 0 ? "\n" : ",\n"
      let file: [(String, String)] = labels.map { [("file", JSONText.quoted($0[position]))] } ?? []
      let fields: [(String, String)] =
        file + [
          ("ssrc", String(stream.key.ssrc)),
          ("src", JSONText.quoted(stream.key.source.address.description)),
          ("srcPort", String(stream.key.source.port)),
          ("dst", JSONText.quoted(stream.key.destination.address.description)),
          ("dstPort", String(stream.key.destination.port)),
          ("payloadType", JSONText.quoted(stream.payloadTypeName)),
          ("packets", String(stream.packets)),
          ("lost", String(stream.lost)),
          ("duplicates", String(stream.duplicates)),
          ("reordered", String(stream.reordered)),
          ("start", DecimalText.fixed(Double(stream.start) / 1e9, decimals: 6)),
          ("end", DecimalText.fixed(Double(stream.end) / 1e9, decimals: 6)),
          ("minDeltaMs", DecimalText.fixed(stream.minDeltaMs, decimals: 3)),
          ("meanDeltaMs", DecimalText.fixed(stream.meanDeltaMs, decimals: 3)),
          ("maxDeltaMs", DecimalText.fixed(stream.maxDeltaMs, decimals: 3)),
          ("minJitterMs", DecimalText.fixed(stream.minJitterMs, decimals: 3)),
          ("meanJitterMs", DecimalText.fixed(stream.meanJitterMs, decimals: 3)),
          ("maxJitterMs", DecimalText.fixed(stream.maxJitterMs, decimals: 3)),
          ("problems", stream.problems ? "true" : "false"),
        ]
      text += "{" + fields.map { "\"\($0.0)\":\($0.1)" }.joined(separator: ",") + "}"
    }
    return text + (streams.isEmpty ? "]\n" : "\n]\n")
  }
}
