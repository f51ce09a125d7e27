import Foundation
import Testing

/// The documentation's runnable examples (Snippets/, one per layer, built by every `swift build`
/// against the public API only) run and print what the articles say they print.
@Suite("Snippets: one runnable example per layer")
struct SnippetTests {
  struct Example: Sendable, CustomTestStringConvertible {
    var name: String
    var lines: [String]
    var testDescription: String { name }
  }

  static let examples: [Example] = [
    Example(
      name: "BaseCaptureTime",
      lines: [
        "first 1700000000.250000000 s, later 1700000000.270000000 s, 20000000 ns apart",
        "9e18 ns from the epoch: refused",
        "saturating: true",
      ]),
    Example(
      name: "IOIdentifyInput",
      lines: [
        "pcap: a pcap capture (capture: true, compressed: false)",
        "pcapng: a pcapng capture (capture: true, compressed: false)",
        "gzip: gzip-compressed data (capture: false, compressed: true)",
        "WAV: a WAV file (capture: false, compressed: false)",
        "raw: not a known format (capture: false, compressed: false)",
      ]),
    Example(
      name: "PacketsRoundTrip",
      lines: [
        "RTP: 172 bytes, PT 0, seq 4711, ts 160, marker true, payload 160 bytes",
        "named g711U, clock 8000 Hz",
        "RTCP: 44 bytes, 2 packets, same: true",
      ]),
    Example(
      name: "CapturesWriteAndRead",
      lines: [
        "192.0.2.1:5004 -> 192.0.2.2:5006: 172 bytes",
        "192.0.2.1:5004 -> 192.0.2.2:5006: 172 bytes",
        "192.0.2.1:5004 -> 192.0.2.2:5006: 172 bytes",
        "pcap: 3 records, 0 skipped",
      ]),
    // The G.711 codes and decoded samples are Python audioop's for the same samples.
    Example(
      name: "AudioG711AndResampling",
      lines: [
        "samples  [0, 5657, 8000, 5657, 0, -5657, -8000, -5657]",
        #"u-law    ["ff", "a9", "a0", "a9", "ff", "29", "20", "29"]"#,
        "decoded  [0, 5628, 7932, 5628, 0, -5628, -7932, -5628]",
        "A-law of 1000: fa -> 1008",
        "resampled to 16 kHz: 16 samples",
      ]),
    Example(
      name: "GenerationSynth",
      lines: [
        "seq 65534, ts 4294967000, 172 bytes",
        "seq 65535, ts 4294967160, 172 bytes",
        "seq 0, ts 24, 172 bytes",
        "seq 1, ts 184, 172 bytes",
        "packets: 4; the sequence and timestamp wrap as RFC 3550 says",
      ]),
    Example(
      name: "PlayoutJitterBuffer",
      lines: [
        "drop 101: duplicate",
        "play 100",
        "play 101",
        "play 102",
        "play 103",
        "void 104...104",
        "play 105",
        "ready 5, late 0, duplicates 1",
      ]),
    Example(
      name: "NetworkLoopback",
      lines: [
        "received 3 packets, sequence numbers [1, 2, 3]",
        "all from the sender's port: true",
        "sent 3, send errors 0",
      ]),
    Example(
      name: "AnalysisStreamStatistics",
      lines: [
        "SSRC 0xcafe g711U: 49 packets, 1 lost, max delta 40.0 ms, max jitter 1.889 ms"
      ]),
  ]

  @Test("The snippet runs, exits 0 and prints what its article shows", arguments: examples)
  func runs(example: Example) throws {
    let executable = Shell.productsDirectory.appendingPathComponent(example.name).path
    try #require(
      FileManager.default.isExecutableFile(atPath: executable),
      "\(example.name) is not built: swift build builds Snippets/")
    let result = Shell.run("'\(executable)'")
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stderr.isEmpty, "\(result.stderr)")
    #expect(result.lines == example.lines)
  }
}
