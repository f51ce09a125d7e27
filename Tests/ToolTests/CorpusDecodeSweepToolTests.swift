import Foundation
import Testing

/// Every stream of every corpus capture, decoded by rtpdec: audio lasts its RTP span (to one
/// packet); what is not audio (video, events alone) is refused with its reason, never noise.
@Suite("Every corpus stream through rtpdec")
struct CorpusDecodeSweepToolTests {
  /// Corpus captures and the `--codec` mappings their dynamic payload types need (the SIP
  /// captures name theirs in their own SDP).
  static let captures: [(String, String)] = [
    ("wss_pcmu.pcap", ""), ("wss_pcma.pcap", ""),
    ("wss_opus_rawip.pcap", "--codec 111=opus/48000/2 --codec 102=opus/48000/2"),
    ("rtpproxy_DLT_NULL_gsm_v4v6.pcap", ""), ("rtpproxy_dups_g729.pcap", ""),
    ("rtpproxy_lost_g729.pcap", ""), ("rtpproxy_dtmf_rfc4733.pcapng", ""),
    ("hdiniz_sll_amrnb.pcap", "--codec 118=AMR/8000 --codec 113=AMR/8000"),
    ("wss_cisco_sip_tcp_opus_h264.pcap", ""), ("t0_sip_rtp_dvi4.pcap", ""),
  ]

  /// The RTP span of stream `number` of `path` in clock ticks, from rtpjb's play-out events:
  /// the last timestamp less the first, plus one packet's step.
  static func span(_ path: String, stream number: Int) -> Int64? {
    let events = Shell.run("rtpjb --stream \(number) --output events '\(path)'")
    var first: UInt32?
    var last: Int64 = 0
    var previous: Int64?
    var steps: [Int64: Int] = [:]
    for line in events.lines where line.contains(#""event":"ready""#) {
      guard let range = line.range(of: #""ts":"#) else { continue }
      let digits = line[range.upperBound...].prefix { $0.isNumber }
      guard let wire = UInt32(digits) else { continue }
      let start = first ?? wire
      first = start
      let ticks = Int64(Int32(bitPattern: wire &- start))
      if let previous, ticks > previous { steps[ticks - previous, default: 0] += 1 }
      last = max(last, ticks)
      previous = ticks
    }
    guard first != nil else { return nil }
    let step = steps.max { $0.value < $1.value }?.key ?? 0
    return last + step
  }

  @Test("Each stream decodes to its RTP span, or is refused for what it is", arguments: captures)
  func sweep(file: String, mapping: String) throws {
    guard let path = RTPJBToolTests.corpusFile(file) else { return }
    let listed = Shell.run("rtpjb --list '\(path)'")
    let streams = listed.lines.filter { $0.first?.isNumber == true }
    #expect(!streams.isEmpty, "\(file): \(listed.output)")
    var decoded = 0
    for number in 1...streams.count {
      let run = Shell.run("rtpdec --stream \(number) \(mapping) --stats '\(path)'")
      guard run.status == 0 else {
        #expect(run.status == 65, "\(file) stream \(number): \(run.stderr)")
        // Video, a stream of events alone, and the second call of the Cisco capture, whose
        // signalling is not in it (tshark too names its type only RTPType-96).
        let refused =
          run.stderr.contains("video is not audio") || run.stderr.contains("only telephone events")
          || (file.contains("cisco") && run.stderr.contains("payload type 96 is dynamic"))
        #expect(refused, "\(file) stream \(number): \(run.stderr)")
        continue
      }
      decoded += 1
      let rate = RTPDecToolTests.wavRate(run.stdout)
      let samples = RTPDecToolTests.wavSamples(run.stdout).count
      let stats = RTPJBToolTests.stats(run)
      let ticks = try #require(Self.span(path, stream: number), "\(file) stream \(number)")
      // Every corpus codec's audio runs at its RTP clock (Opus's clock is its 48 kHz).
      let expected = ticks
      let packet = expected / Int64(max(stats["decodedPackets"] ?? 1, 1))
      #expect(
        abs(Int64(samples) - expected) <= max(packet, Int64(rate / 50)),
        "\(file) stream \(number): \(samples) samples for an RTP span of \(expected)")
    }
    #expect(decoded > 0 || file.contains("dtmf"), "\(file): nothing decoded")
  }
}
