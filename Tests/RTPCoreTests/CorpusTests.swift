import Foundation
import RTPCore
import Testing

/// Real captures from `../shared/corpus`, checked against tshark's packet counts.
@Suite("Real captures")
struct CorpusTests {
  static let corpus = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("shared/corpus")

  /// File name → `packets=` from tshark-rtp-streams.txt.
  static func expectedCounts() -> [(String, Int)] {
    let listing = corpus.appendingPathComponent("tshark-rtp-streams.txt")
    guard let text = try? String(contentsOf: listing, encoding: .utf8) else { return [] }
    var counts: [(String, Int)] = []
    var file: String?
    for line in text.split(separator: "\n") {
      if line.hasPrefix("### ") {
        file = String(line.dropFirst(4))
      } else if let file,
        let field = line.split(separator: " ").first(where: {
          $0.hasPrefix("packets=")
        }), let count = Int(field.dropFirst("packets=".count))
      {
        counts.append((file, count))
      }
    }
    return counts
  }

  @Test("every corpus capture reads to the end with tshark's packet count, all UDP")
  func corpusCounts() throws {
    let counts = Self.expectedCounts()
    guard !counts.isEmpty else {
      print("skipped: no corpus at \(Self.corpus.path)")
      return
    }
    for (file, packets) in counts {
      let bytes = try [UInt8](Data(contentsOf: Self.corpus.appendingPathComponent(file)))
      let records = try TestInput.records(bytes)
      #expect(records.error == nil, "\(file): \(String(describing: records.error))")
      #expect(records.records.count == packets, "\(file)")
      #expect(records.format == (file.hasSuffix(".pcapng") ? .pcapng : .pcap), "\(file)")
      let datagrams = try TestInput.datagrams(bytes)
      #expect(datagrams.error == nil, "\(file)")
      #expect(datagrams.datagrams.count == packets, "\(file)")
      #expect(datagrams.skipped.total == 0, "\(file): \(datagrams.skipped.nonZero)")
    }
  }

  @Test("the BSD loopback capture holds its IPv4 and IPv6 streams")
  func loopbackStreams() throws {
    let url = Self.corpus.appendingPathComponent("rtpproxy_DLT_NULL_gsm_v4v6.pcap")
    guard let data = try? Data(contentsOf: url) else {
      print("skipped: no corpus at \(Self.corpus.path)")
      return
    }
    let datagrams = try TestInput.datagrams([UInt8](data)).datagrams
    #expect(datagrams.filter { $0.source == Endpoint("[::1]:12002") }.count == 300)
    #expect(datagrams.filter { $0.source.address == IPAddress("127.0.0.1") }.count == 300)
    #expect(datagrams.allSatisfy { $0.destination.port == 12344 })
  }
}
