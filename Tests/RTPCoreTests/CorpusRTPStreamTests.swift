import Foundation
import RTPCore
import Testing

/// The RTP packets found in each real capture, per SSRC, against what `tshark -z rtp,streams`
/// found (../shared/corpus/tshark-rtp-streams.txt).
@Suite("Real captures: RTP packets per SSRC")
struct CorpusRTPStreamTests {
  /// For each capture, SSRC → packets, summed over tshark's rows (tshark splits a stream whose
  /// addresses change, as the BSD loopback capture's does).
  static func tsharkCounts() -> [String: [UInt32: Int]] {
    let listing = CorpusTests.corpus.appendingPathComponent("tshark-rtp-streams.txt")
    guard let text = try? String(contentsOf: listing, encoding: .utf8) else { return [:] }
    var result: [String: [UInt32: Int]] = [:]
    var file: String?
    for line in text.split(separator: "\n") {
      if line.hasPrefix("### ") {
        file = String(line.dropFirst(4))
        continue
      }
      let columns = line.split(separator: " ", omittingEmptySubsequences: true)
      guard let file, columns.count >= 10, columns[6].hasPrefix("0x"),
        let ssrc = UInt32(columns[6].dropFirst(2), radix: 16), let packets = Int(columns[8])
      else { continue }
      result[file, default: [:]][ssrc, default: 0] += packets
    }
    return result
  }

  @Test("Every capture yields tshark's packets for each of tshark's SSRCs")
  func perSSRC() throws {
    let expected = Self.tsharkCounts()
    guard !expected.isEmpty else {
      print("skipped: no corpus at \(CorpusTests.corpus.path)")
      return
    }
    #expect(expected.count == 8)
    for (file, streams) in expected.sorted(by: { $0.key < $1.key }) {
      let bytes = try [UInt8](Data(contentsOf: CorpusTests.corpus.appendingPathComponent(file)))
      var found: [UInt32: Int] = [:]
      for datagram in try TestInput.datagrams(bytes).datagrams {
        datagram.payload.withUnsafeBytes { raw in
          guard RTPPacketKind(classifying: raw) == .rtp,
            let packet = try? RTPPacket(validating: raw)
          else { return }
          found[packet.ssrc, default: 0] += 1
        }
      }
      for (ssrc, packets) in streams {
        #expect(found[ssrc] == packets, "\(file) SSRC \(String(ssrc, radix: 16))")
      }
    }
  }
}
