import Foundation
import RTPCore
import SystemPackage
import Testing

@testable import RTPBase
@testable import RTPCaptures
@testable import RTPIO

/// A datagram to write, owning its payload.
private struct Sample {
  var timestamp: Int64
  var source: Endpoint
  var destination: Endpoint
  var payload: [UInt8]

  init(_ timestamp: Int64, _ source: String, _ destination: String, length: Int) {
    self.timestamp = timestamp
    self.source = Endpoint(source)!
    self.destination = Endpoint(destination)!
    // An RTP-looking header, then a pattern.
    payload = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
    if length >= 2 {
      payload[0] = 0x80
      payload[1] = 0x00
    }
  }
}

/// Runs the command-line oracles and makes temporary files.
private enum Oracle {
  static let tsharkAvailable = FileManager.default.isExecutableFile(atPath: "/usr/bin/tshark")

  static func temporaryPath(_ suffix: String) -> String {
    FileManager.default.temporaryDirectory
      .appendingPathComponent("rtpcore-writer-\(UUID().uuidString).\(suffix)").path
  }

  /// Runs `tool` with `arguments`; returns its exit status and standard output.
  static func run(_ tool: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = [tool] + arguments
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = FileHandle.nullDevice
    try process.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: data, as: UTF8.self))
  }

  static let fields = [
    "frame.time_epoch", "ip.src", "ip.dst", "ipv6.src", "ipv6.dst", "udp.srcport",
    "udp.dstport", "udp.length", "udp.payload", "ip.checksum.status", "udp.checksum.status",
    "ip.id", "eth.type", "ip.ttl", "ip.flags.df", "ipv6.hlim",
  ]

  /// One dictionary of `fields` per frame, as tshark decodes `path`.
  static func tshark(_ path: String) throws -> [[String: String]] {
    var arguments = [
      "-r", path, "-o", "ip.check_checksum:TRUE", "-o", "udp.check_checksum:TRUE", "-T", "fields",
    ]
    for field in fields { arguments += ["-e", field] }
    let (status, output) = try run("tshark", arguments)
    #expect(status == 0, "tshark failed on \(path)")
    return output.split(separator: "\n").map { line in
      let values = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
      return Dictionary(uniqueKeysWithValues: zip(fields, values + repeatElement("", count: 99)))
    }
  }

  /// capinfos' "Name: value" lines for `path`.
  static func capinfos(_ path: String) throws -> [String: String] {
    let (status, output) = try run("capinfos", [path])
    #expect(status == 0, "capinfos failed on \(path)")
    var result: [String: String] = [:]
    for line in output.split(separator: "\n") {
      guard let colon = line.firstIndex(of: ":") else { continue }
      let key = line[..<colon].trimmingCharacters(in: .whitespaces)
      result[key] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
    }
    return result
  }

  /// Parses tshark's `seconds.fraction` into nanoseconds.
  static func nanoseconds(_ text: String) -> Int64? {
    let parts = text.split(separator: ".")
    guard parts.count == 2, let seconds = Int64(parts[0]), parts[1].count <= 9,
      let fraction = Int64(parts[1].padding(toLength: 9, withPad: "0", startingAt: 0))
    else { return nil }
    return seconds * 1_000_000_000 + fraction
  }
}

/// Writes `samples` into a new file and returns its path.
private func writeCapture(
  _ samples: [Sample], format: CaptureFormat, precision: TimestampPrecision = .microseconds,
  inPlace: Bool = false
) throws -> String {
  let path = Oracle.temporaryPath(format.rawValue)
  let fd = try FileDescriptor.open(
    path, .writeOnly, options: [.create, .truncate], permissions: [.ownerReadWrite])
  defer { try? fd.close() }
  let sink = OutputSink(fileDescriptor: fd, capacity: 4096)
  let writer = try CaptureWriter(sink: sink, format: format, precision: precision)
  for sample in samples {
    if inPlace {
      try writer.writePacket(
        timestamp: sample.timestamp, source: sample.source, destination: sample.destination,
        payloadLength: sample.payload.count
      ) { space in
        sample.payload.withUnsafeBytes { space.copyMemory(from: $0) }
      }
    } else {
      let written = try sample.payload.withUnsafeBytes { payload in
        try writer.write(
          UDPDatagram(
            timestamp: sample.timestamp, source: sample.source, destination: sample.destination,
            payload: payload))
      }
      #expect(written)
    }
  }
  try writer.finish()
  #expect(writer.packetsWritten == samples.count)
  return path
}

/// The time a format stores for `timestamp`.
private func stored(_ timestamp: Int64, _ precision: TimestampPrecision) -> Int64 {
  let clamped = max(timestamp, 0)
  return precision == .nanoseconds ? clamped : clamped / 1000 * 1000
}

private let base: Int64 = 1_700_000_000_123_456_789

/// IPv4, IPv6, mixed families, empty, odd, large and extreme ports, in one stream.
private let mixedSamples: [Sample] = [
  Sample(base, "192.0.2.1:4000", "198.51.100.2:5004", length: 172),
  Sample(base + 20_000_001, "[2001:db8::1]:4000", "[2001:db8::2]:5004", length: 172),
  Sample(base + 40_000_002, "192.0.2.1:4000", "198.51.100.2:5004", length: 0),
  Sample(base + 60_000_003, "[2001:db8::1]:4000", "[2001:db8::2]:5004", length: 1),
  Sample(base + 80_000_004, "10.1.2.3:40000", "10.3.2.1:40002", length: 1400),
  Sample(base + 100_000_005, "[fe80::1:2:3:4]:40000", "[::1]:40002", length: 1401),
  Sample(base + 120_000_006, "255.255.255.255:65535", "0.0.0.0:4000", length: 33),
  Sample(base + 140_000_007, "192.0.2.1:4000", "198.51.100.2:5004", length: 173),
  Sample(999, "192.0.2.9:4000", "198.51.100.9:5004", length: 12),
]

@Suite("Capture writer", .enabled(if: Oracle.tsharkAvailable, "needs tshark and capinfos"))
struct CaptureWriterTests {
  @Test(
    "pcap and pcapng decode in tshark with every field as written and checksums good",
    arguments: [
      (CaptureFormat.pcap, TimestampPrecision.microseconds), (.pcap, .nanoseconds),
      (.pcapng, .microseconds), (.pcapng, .nanoseconds),
    ], [false, true])
  func tsharkDecodes(
    file: (format: CaptureFormat, precision: TimestampPrecision), inPlace: Bool
  ) throws {
    let (format, precision) = file
    let path = try writeCapture(
      mixedSamples, format: format, precision: precision, inPlace: inPlace)
    defer { try? FileManager.default.removeItem(atPath: path) }
    let frames = try Oracle.tshark(path)
    try #require(frames.count == mixedSamples.count)
    var ipv4Index = 0
    for (sample, frame) in zip(mixedSamples, frames) {
      #expect(Oracle.nanoseconds(frame["frame.time_epoch"]!) == stored(sample.timestamp, precision))
      #expect(frame["udp.srcport"] == String(sample.source.port))
      #expect(frame["udp.dstport"] == String(sample.destination.port))
      #expect(frame["udp.length"] == String(sample.payload.count + 8))
      #expect(frame["udp.payload"] == sample.payload.map { String(format: "%02x", $0) }.joined())
      #expect(frame["udp.checksum.status"] == "1", "UDP checksum of \(sample.source)")
      switch (sample.source.address, sample.destination.address) {
      case (.v4(let source), .v4(let destination)):
        #expect(frame["eth.type"] == "0x0800")
        #expect(frame["ip.src"] == source.description)
        #expect(frame["ip.dst"] == destination.description)
        #expect(frame["ip.checksum.status"] == "1")
        #expect(frame["ip.ttl"] == "64")
        #expect(frame["ip.flags.df"] == "1")
        #expect(frame["ip.id"] == String(format: "0x%04x", ipv4Index))
        ipv4Index += 1
      case (.v6(let source), .v6(let destination)):
        #expect(frame["eth.type"] == "0x86dd")
        #expect(frame["ipv6.src"] == source.description)
        #expect(frame["ipv6.dst"] == destination.description)
        #expect(frame["ipv6.hlim"] == "64")
        ipv4Index += 1  // identification counts every frame
      default:
        Issue.record("samples have matching families")
      }
    }
  }

  @Test("mismatched address families are written as IPv6 with an IPv4-mapped address")
  func mixedFamilies() throws {
    let samples = [
      Sample(base, "192.0.2.1:4000", "[2001:db8::2]:5004", length: 20),
      Sample(base, "[2001:db8::1]:4000", "198.51.100.2:5004", length: 21),
    ]
    let path = try writeCapture(samples, format: .pcap)
    defer { try? FileManager.default.removeItem(atPath: path) }
    let frames = try Oracle.tshark(path)
    try #require(frames.count == 2)
    #expect(frames[0]["ipv6.src"] == "::ffff:192.0.2.1")
    #expect(frames[0]["ipv6.dst"] == "2001:db8::2")
    #expect(frames[1]["ipv6.dst"] == "::ffff:198.51.100.2")
    #expect(frames.allSatisfy { $0["udp.checksum.status"] == "1" })
  }

  @Test(
    "capinfos reports file type, Ethernet and the timestamp precision",
    arguments: [
      (CaptureFormat.pcap, TimestampPrecision.microseconds, "pcap", "microseconds (6)"),
      (.pcap, .nanoseconds, "nanosecond pcap", "nanoseconds (9)"),
      (.pcapng, .microseconds, "pcapng", "microseconds (6)"),
      (.pcapng, .nanoseconds, "pcapng", "nanoseconds (9)"),
    ])
  func capinfosAgrees(
    format: CaptureFormat, precision: TimestampPrecision, type: String, resolution: String
  ) throws {
    let path = try writeCapture(mixedSamples, format: format, precision: precision)
    defer { try? FileManager.default.removeItem(atPath: path) }
    let info = try Oracle.capinfos(path)
    #expect(info["File type"]?.contains(type) == true, "\(info)")
    #expect(info["File encapsulation"] == "Ethernet")
    #expect(info["File timestamp precision"] == resolution)
    #expect(info["Number of packets"] == String(mixedSamples.count))
  }

  @Test(
    "an empty capture is a valid file with no packets",
    arguments: [CaptureFormat.pcap, .pcapng], [TimestampPrecision.microseconds, .nanoseconds])
  func emptyCapture(format: CaptureFormat, precision: TimestampPrecision) throws {
    let path = try writeCapture([], format: format, precision: precision)
    defer { try? FileManager.default.removeItem(atPath: path) }
    #expect(try Oracle.tshark(path).isEmpty)
    #expect(try Oracle.capinfos(path)["Number of packets"] == "0")
  }

  @Test(
    "the largest payloads fit, with correct checksums",
    arguments: [
      ("192.0.2.1:4000", "198.51.100.2:5004", 65_507),
      ("[2001:db8::1]:4000", "[2001:db8::2]:5004", 65_527),
    ])
  func largestPayloads(source: String, destination: String, length: Int) throws {
    let sample = Sample(base, source, destination, length: length)
    let path = try writeCapture([sample], format: .pcapng)
    defer { try? FileManager.default.removeItem(atPath: path) }
    let frames = try Oracle.tshark(path)
    try #require(frames.count == 1)
    #expect(frames[0]["udp.length"] == String(length + 8))
    #expect(frames[0]["udp.checksum.status"] == "1")
    #expect(frames[0]["ip.checksum.status"] == (sample.source.address.isIPv6 ? "" : "1"))
  }

  @Test("headers stay right across many endpoint pairs, in turn, revisited and past the cache")
  func manyEndpointPairs() throws {
    // 4,500 pairs (more than the header cache holds), then the first ones again in reverse,
    // then three streams in turn.
    var samples = (0..<4500).map { index in
      Sample(
        base + Int64(index), index % 2 == 0 ? "192.0.2.1:4000" : "[2001:db8::1]:4000",
        index % 2 == 0 ? "198.51.100.2:\(10_000 + index)" : "[2001:db8::2]:\(10_000 + index)",
        length: 20 + index % 3)
    }
    samples += samples[0..<50].reversed()
    for index in 0..<30 {
      samples.append(Sample(base, "192.0.2.7:4000", "198.51.100.7:\(6000 + index % 3)", length: 12))
    }
    let path = try writeCapture(samples, format: .pcap, inPlace: true)
    defer { try? FileManager.default.removeItem(atPath: path) }
    let frames = try Oracle.tshark(path)
    try #require(frames.count == samples.count)
    for (sample, frame) in zip(samples, frames) {
      #expect(frame["udp.dstport"] == String(sample.destination.port))
      #expect(frame["udp.length"] == String(sample.payload.count + 8))
      #expect(frame["udp.checksum.status"] == "1")
      if case .v4(let source) = sample.source.address {
        #expect(frame["ip.src"] == source.description)
        #expect(frame["ip.checksum.status"] == "1")
      } else {
        #expect(frame["ipv6.src"] == sample.source.address.description)
      }
    }
  }

  @Test(
    "times a format cannot hold are refused and counted, never clamped; pcapng holds 1823 to 2116")
  func refusedTimestamps() throws {
    let latestPcap = Int64(UInt32.max) * 1_000_000_000 + 999_999_999
    let times: [Int64] = [
      -1, .min, .max, 0, latestPcap, latestPcap + 1, CaptureTime.earliest.nanoseconds,
      CaptureTime.latest.nanoseconds, -1_234_567_891,
    ]
    let expected: [CaptureFormat: [Int64]] = [
      .pcap: [0, latestPcap],
      .pcapng: [
        -1, 0, latestPcap, latestPcap + 1, CaptureTime.earliest.nanoseconds,
        CaptureTime.latest.nanoseconds, -1_234_567_891,
      ],
    ]
    for (format, kept) in expected {
      let path = Oracle.temporaryPath(format.rawValue)
      defer { try? FileManager.default.removeItem(atPath: path) }
      let fd = try FileDescriptor.open(
        path, .writeOnly, options: [.create, .truncate], permissions: [.ownerReadWrite])
      let writer = try CaptureWriter(
        sink: OutputSink(fileDescriptor: fd), format: format, precision: .nanoseconds)
      var written: [Bool] = []
      for time in times {
        let sample = Sample(time, "192.0.2.1:4000", "198.51.100.2:5004", length: 4)
        written.append(
          try sample.payload.withUnsafeBytes { payload in
            try writer.write(
              UDPDatagram(
                timestamp: time, source: sample.source, destination: sample.destination,
                payload: payload))
          })
      }
      try writer.finish()
      try fd.close()
      #expect(written == times.map { kept.contains($0) }, "\(format)")
      #expect(writer.outOfRangeSkipped == times.count - kept.count, "\(format)")
      #expect(writer.firstOutOfRange == times.first { !kept.contains($0) }, "\(format)")
      // Read back by RTPCore's reader and by tshark (which prints the seconds rounded down and
      // a fraction after them, -0.25 s as -1.750000000): exactly the times kept.
      let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
      let records = try TestInput.records(bytes)
      #expect(records.error == nil)
      #expect(records.records.map(\.timestamp) == kept, "\(format)")
      let frames = try Oracle.tshark(path)
      #expect(frames.map { Oracle.nanoseconds($0["frame.time_epoch"]!) } == kept, "\(format)")
    }
  }
}

@Suite("Capture writer bytes")
struct CaptureWriterByteTests {
  private func bytes(_ path: String) throws -> [UInt8] {
    defer { try? FileManager.default.removeItem(atPath: path) }
    return [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
  }

  private func be16(_ b: [UInt8], _ at: Int) -> Int { Int(b[at]) << 8 | Int(b[at + 1]) }
  private func be32(_ b: [UInt8], _ at: Int) -> UInt32 {
    UInt32(b[at]) << 24 | UInt32(b[at + 1]) << 16 | UInt32(b[at + 2]) << 8 | UInt32(b[at + 3])
  }

  @Test("writePacket and write(_:) produce the same bytes", arguments: CaptureFormat.allCases)
  func sameBytes(format: CaptureFormat) throws {
    let copied = try bytes(writeCapture(mixedSamples, format: format, inPlace: false))
    let inPlace = try bytes(writeCapture(mixedSamples, format: format, inPlace: true))
    #expect(copied == inPlace)
  }

  @Test("rtpdump: text line, header and records as rtptools lays them out")
  func rtpdumpLayout() throws {
    var rtcp = Sample(base + 1_500_999_999, "192.0.2.1:4001", "198.51.100.2:5005", length: 28)
    rtcp.payload[1] = 200  // a sender report
    let samples = [
      Sample(base, "192.0.2.1:4000", "198.51.100.2:5004", length: 172),
      Sample(base + 20_999_999, "192.0.2.1:4000", "198.51.100.2:5004", length: 0),
      rtcp,
      Sample(base - 5_000_000, "192.0.2.1:4000", "198.51.100.2:5004", length: 1400),
    ]
    let file = try bytes(writeCapture(samples, format: .rtpdump))
    let line = Array("#!rtpplay1.0 198.51.100.2/5004\n".utf8)
    try #require(file.count > line.count + 16)
    #expect(Array(file[0..<line.count]) == line)
    var at = line.count
    #expect(be32(file, at) == 1_700_000_000)
    #expect(be32(file, at + 4) == 123_456)
    #expect(be32(file, at + 8) == IPv4Address(192, 0, 2, 1).rawValue)
    #expect(be16(file, at + 12) == 4000)
    #expect(be16(file, at + 14) == 0)
    at += 16
    let expected: [(plen: Int, offset: UInt32)] = [(172, 0), (0, 21), (0, 1501), (1400, 0)]
    for (sample, record) in zip(samples, expected) {
      try #require(file.count >= at + 8 + sample.payload.count)
      #expect(be16(file, at) == sample.payload.count + 8)
      #expect(be16(file, at + 2) == record.plen)
      #expect(be32(file, at + 4) == record.offset)
      #expect(Array(file[(at + 8)..<(at + 8 + sample.payload.count)]) == sample.payload)
      at += 8 + sample.payload.count
    }
    #expect(at == file.count)
  }

  @Test("rtpdump with IPv6: the destination literal in the text line, the source as 0.0.0.0")
  func rtpdumpIPv6() throws {
    let samples = [Sample(base, "[2001:db8::1]:4000", "[2001:db8::2]:5004", length: 12)]
    let file = try bytes(writeCapture(samples, format: .rtpdump))
    let line = Array("#!rtpplay1.0 2001:db8::2/5004\n".utf8)
    try #require(file.count == line.count + 16 + 8 + 12)
    #expect(Array(file[0..<line.count]) == line)
    #expect(be32(file, line.count + 8) == 0)
    #expect(be16(file, line.count + 12) == 4000)
  }

  @Test("an empty rtpdump has its text line and header")
  func rtpdumpEmpty() throws {
    let file = try bytes(writeCapture([], format: .rtpdump))
    let line = Array("#!rtpplay1.0 0.0.0.0/0\n".utf8)
    #expect(file == line + [UInt8](repeating: 0, count: 16))
  }

  @Test(
    "a datagram too long for its headers is skipped and counted",
    arguments: [
      (CaptureFormat.pcap, "192.0.2.1:4000", 65_508),
      (.pcapng, "192.0.2.1:4000", 65_508),
      (.pcap, "[::1]:4000", 65_528),
      (.rtpdump, "192.0.2.1:4000", 65_528),
    ])
  func oversized(format: CaptureFormat, endpoint: String, length: Int) throws {
    let path = Oracle.temporaryPath(format.rawValue)
    let fd = try FileDescriptor.open(
      path, .writeOnly, options: [.create, .truncate], permissions: [.ownerReadWrite])
    defer {
      try? fd.close()
      try? FileManager.default.removeItem(atPath: path)
    }
    let writer = try CaptureWriter(sink: OutputSink(fileDescriptor: fd), format: format)
    let sample = Sample(base, endpoint, endpoint, length: length)
    let written = try sample.payload.withUnsafeBytes { payload in
      try writer.write(
        UDPDatagram(
          timestamp: base, source: sample.source, destination: sample.destination,
          payload: payload))
    }
    #expect(!written)
    #expect(writer.oversizedSkipped == 1)
    #expect(writer.packetsWritten == 0)
    let fits = CaptureWriter.maximumPayloadLength(
      source: sample.source, destination: sample.destination, format: format)
    #expect(fits == length - 1)
  }

  @Test("pcap headers: little-endian magic, version 2.4, snaplen 262144, Ethernet")
  func pcapHeader() throws {
    let micro = try bytes(writeCapture([], format: .pcap))
    let nano = try bytes(writeCapture([], format: .pcap, precision: .nanoseconds))
    let tail: [UInt8] = [2, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 4, 0, 1, 0, 0, 0]
    #expect(micro == [0xD4, 0xC3, 0xB2, 0xA1] + tail)
    #expect(nano == [0x4D, 0x3C, 0xB2, 0xA1] + tail)
  }
}
