import Foundation
import Testing

/// A capture whose time fields sit at or past the ends of what a format, or a capture time,
/// holds: built around three real µ-law frames.
struct TimeLie: Sendable, CustomTestStringConvertible {
  typealias B = TimeCaptureBuilder
  var name: String
  /// The capture, from the three frames.
  var build: @Sendable ([[UInt8]]) -> [UInt8]
  /// The record refused as out of range; `nil` when every time is representable.
  var refused: Int?
  /// What rtpstat --json must print (exact times, relative to the first packet).
  var json: [String] = []

  var testDescription: String { name }

  /// µs ticks of 2023-11-14T22:13:20Z.
  static let base: UInt64 = 1_700_000_000_000_000

  static func packets(_ frames: [[UInt8]], _ placed: [(UInt32, UInt64)]) -> [B.Packet] {
    zip(frames, placed).map { B.Packet(interface: $1.0, ticks: $1.1, frame: $0) }
  }

  static let all: [TimeLie] = [
    TimeLie(
      name: "if_tsoffset -9e9 s and +9e9 s on two interfaces (1.8e19 ns apart)",
      build: { frames in
        B.pcapng(
          interfaces: [.init(offsetSeconds: -9_000_000_000), .init(offsetSeconds: 9_000_000_000)],
          packets: packets(frames, [(0, 0), (1, 20_000), (0, 40_000)]))
      }, refused: 1),
    TimeLie(
      name: "if_tsoffset past 2116 on the third packet's interface",
      build: { frames in
        B.pcapng(
          interfaces: [.init(), .init(offsetSeconds: 5_000_000_000)],
          packets: packets(frames, [(0, base), (0, base + 20_000), (1, 40_000)]))
      }, refused: 3),
    TimeLie(
      name: "if_tsoffset -4.5e9 s and +4.5e9 s: representable, 9e18 ns apart",
      build: { frames in
        B.pcapng(
          interfaces: [.init(offsetSeconds: -4_500_000_000), .init(offsetSeconds: 4_500_000_000)],
          packets: packets(frames, [(0, 0), (1, 20_000), (0, 40_000)]))
      }, refused: nil,
      json: [
        #""start":0.000000"#, #""end":0.040000"#, #""maxDeltaMs":9000000000020.000"#,
        #""packets":3"#,
      ]),
    TimeLie(
      name: "if_tsresol 10^0 with 2^64 - 1 ticks",
      build: { frames in
        B.pcapng(
          interfaces: [.init(), .init(resolution: 0)],
          packets: packets(frames, [(0, base), (0, base + 20_000), (1, .max)]))
      }, refused: 3),
    TimeLie(
      name: "if_tsresol 10^-127 with 2^64 - 1 ticks",
      build: { frames in
        B.pcapng(
          interfaces: [.init(resolution: 127)],
          packets: packets(frames, [(0, .max), (0, .max), (0, .max)]))
      }, refused: nil, json: [#""end":0.000000"#, #""packets":3"#]),
    TimeLie(
      name: "if_tsresol 2^0 with 2^64 - 1 ticks",
      build: { frames in
        B.pcapng(
          interfaces: [.init(), .init(resolution: 0x80)],
          packets: packets(frames, [(0, base), (0, base + 20_000), (1, .max)]))
      }, refused: 3),
    TimeLie(
      name: "if_tsresol 2^-127 with 2^64 - 1 ticks",
      build: { frames in
        B.pcapng(
          interfaces: [.init(resolution: 0xFF)],
          packets: packets(frames, [(0, 0), (0, .max), (0, .max)]))
      }, refused: nil, json: [#""end":0.000000"#, #""packets":3"#]),
    TimeLie(
      name: "pcap microseconds at both ends, fraction 2^32 - 1",
      build: { frames in
        B.pcap(
          nanoseconds: false, frames: frames,
          times: [(0, 0), (.max, 999_999), (.max, .max)])
      }, refused: nil, json: [#""start":0.000000"#, #""end":4294971589.967295"#]),
    TimeLie(
      name: "pcap nanoseconds at both ends, fraction 2^32 - 1",
      build: { frames in
        B.pcap(
          nanoseconds: true, frames: frames,
          times: [(0, 0), (.max, 999_999_999), (.max, .max)])
      }, refused: nil, json: [#""start":0.000000"#, #""end":4294967299.29496"#]),
    TimeLie(
      name: "rtpdump start and offsets at their ends",
      build: { frames in
        B.rtpdump(frames: frames, start: (.max, .max), milliseconds: [0, 1, .max])
      }, refused: nil, json: [#""start":0.000000"#, #""end":4294967.295000"#]),
  ]
}

extension HostileInputToolTests {
  static let timeTools = ["rtpstat --json", "rtpjb --list", "rtpjb --output payload"]

  @Test(
    "Time fields at and past their ends: no trap; 65 and one line for a time out of range, after the good records",
    arguments: TimeLie.all)
  func timeFields(lie: TimeLie) throws {
    let dir = Shell.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let frames = try TimeCaptureBuilder.frames(in: dir)
    try #require(frames.count == 3)
    try Data(lie.build(frames)).write(to: dir.appendingPathComponent("lie"))
    let good = lie.refused.map { $0 - 1 } ?? 3
    for tool in Self.timeTools {
      let run = Self.bounded("\(tool) lie", in: dir)
      let what = "\(lie.name), \(tool)"
      let status = run.result.status
      #expect(status != 132 && status != 133 && status < 128, "\(what): trapped (\(status))")
      let lines = Self.lines(run.result.stderr)
      let name = tool.split(separator: " ")[0]
      if let refused = lie.refused {
        #expect(status == 65, "\(what): \(run.result.stderr)")
        #expect(lines.count == 1, "\(what): \(run.result.stderr)")
        #expect(
          lines.first?.hasPrefix("\(name): lie: record \(refused) at byte ") == true
            && lines.first?.hasSuffix(": timestamp out of range") == true,
          "\(what): \(run.result.stderr)")
      } else {
        #expect(status == 0, "\(what): \(run.result.stderr)")
        #expect(lines.isEmpty, "\(what): \(run.result.stderr)")
      }
      switch tool {
      case "rtpstat --json":
        if good > 0 {
          #expect(
            run.result.output.contains(#""packets":\#(good)"#), "\(what): \(run.result.output)")
        }
        for field in lie.json {
          #expect(run.result.output.contains(field), "\(what): \(field) in \(run.result.output)")
        }
      case "rtpjb --list":
        // A header, then the stream when there were good records before the refused one.
        #expect(run.result.lines.count == (good > 0 ? 2 : 1), "\(what): \(run.result.output)")
      default:
        #expect(run.result.stdout.count == good * 160, "\(what)")
      }
      #expect(run.peakKiB < Self.peakKiB, "\(what): peak \(run.peakKiB) KiB")
    }
  }
}

extension HostileInputToolTests {
  /// Seconds on the command line at and past the end of Int64 nanoseconds (9223372036.854775807).
  static let durationEdges: [(String, Int32)] = [
    ("rtpjb --max-delay 9223372036.9 good", 64),
    ("rtpjb --max-delay 9223372036.854775808 good", 64),
    ("rtpjb --max-delay 9223372036.854775807 --output payload good", 0),
    ("rtpgen --duration 9223372036.854775807 --count 1", 0),
    ("rtpgen --duration 9223372036.854775808 --count 1", 64),
    ("rtpgen --start 9223372036.854775807 --count 1", 65),
    ("rtpgen --start 9223372036.854775807 --count 1 --format pcapng", 65),
  ]

  @Test(
    "Seconds at the end of Int64 nanoseconds on the command line: a usage error, a refusal or a run, never a trap",
    arguments: durationEdges)
  func durationEdge(command: String, status: Int32) throws {
    let dir = Shell.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    _ = try Self.threePackets(in: dir)
    let run = Self.bounded("\(command) > out", in: dir)
    #expect(run.result.status == status, "\(command): \(run.result.stderr)")
    #expect(Self.lines(run.result.stderr).count == (status == 0 ? 0 : 1), "\(run.result.stderr)")
  }
}
