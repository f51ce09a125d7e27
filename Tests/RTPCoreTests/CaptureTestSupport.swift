import Foundation
import RTPCore
import SystemPackage

/// A record copied out of the reader's buffer.
struct ReadRecord: Equatable {
  var index: Int
  var offset: UInt64
  var timestamp: Int64
  var linkType: LinkType
  var originalLength: Int
  var bytes: [UInt8]
  var endpoints: [Endpoint]
}

/// A datagram copied out of the reader's buffer.
struct ReadDatagram: Equatable {
  var timestamp: Int64
  var source: Endpoint
  var destination: Endpoint
  var payload: [UInt8]
  /// The payload's length on the wire: more than `payload.count` when it was cut short.
  var length: Int

  init(_ datagram: UDPDatagram) {
    timestamp = datagram.timestamp
    source = datagram.source
    destination = datagram.destination
    payload = Array(datagram.payload)
    length = datagram.length
  }

  init(
    timestamp: Int64 = 0, source: Endpoint, destination: Endpoint, payload: [UInt8],
    length: Int? = nil
  ) {
    self.timestamp = timestamp
    self.source = source
    self.destination = destination
    self.payload = payload
    self.length = length ?? payload.count
  }
}

/// A ``DecodeOutcome`` with its datagram copied.
enum Decoded: Equatable {
  case datagram(ReadDatagram)
  case skipped(SkipReason)
  case held
}

enum TestInput {
  /// Runs `body` on an ``InputSource`` reading `bytes` from a temporary file.
  static func withSource<T>(
    _ bytes: [UInt8], capacity: Int = 4096, _ body: (InputSource) throws -> T
  ) throws -> T {
    let url = FileManager.default.temporaryDirectory
      .appendingPathComponent("rtpcore-test-\(UUID().uuidString)")
    try Data(bytes).write(to: url)
    defer { try? FileManager.default.removeItem(at: url) }
    let descriptor = try FileDescriptor.open(url.path, .readOnly)
    defer { try? descriptor.close() }
    return try body(InputSource(fileDescriptor: descriptor, capacity: capacity))
  }

  /// Reads every record of a capture, stopping at the first error.
  static func records(_ bytes: [UInt8]) throws -> (
    format: CaptureFormat?, records: [ReadRecord], error: CaptureError?
  ) {
    try withSource(bytes) { source in
      var records: [ReadRecord] = []
      do throws(CaptureError) {
        let reader = try CaptureReader(source: source)
        while let record = try reader.next() {
          records.append(
            ReadRecord(
              index: record.index, offset: record.offset, timestamp: record.timestamp,
              linkType: record.linkType, originalLength: record.originalLength,
              bytes: Array(record.bytes),
              endpoints: record.rtpdumpEndpoints.map { [$0.source, $0.destination] } ?? []))
        }
        return (reader.format, records, nil)
      } catch {
        return (nil, records, error)
      }
    }
  }

  /// Reads every UDP datagram of a capture, stopping at the first error.
  static func datagrams(_ bytes: [UInt8]) throws -> (
    datagrams: [ReadDatagram], skipped: SkipCounters, recordsRead: Int, error: CaptureError?
  ) {
    try withSource(bytes) { source in
      var datagrams: [ReadDatagram] = []
      var reader: DatagramReader?
      do throws(CaptureError) {
        let opened = try DatagramReader(source: source)
        reader = opened
        while let datagram = try opened.next() { datagrams.append(ReadDatagram(datagram)) }
        return (datagrams, opened.skipped, opened.recordsRead, nil)
      } catch {
        return (datagrams, reader?.skipped ?? SkipCounters(), reader?.recordsRead ?? 0, error)
      }
    }
  }

  /// Decodes one packet as a record of `linkType`.
  static func decode(
    _ packet: [UInt8], linkType: LinkType, timestamp: Int64 = 0,
    decoder: DatagramDecoder = DatagramDecoder(), originalLength: Int? = nil
  ) -> Decoded {
    packet.withUnsafeBytes { bytes in
      let record = CaptureRecord(
        index: 1, offset: 0, timestamp: timestamp, linkType: linkType,
        originalLength: originalLength ?? bytes.count, bytes: bytes)
      switch decoder.decode(record) {
      case .datagram(let datagram): return .datagram(ReadDatagram(datagram))
      case .skipped(let reason): return .skipped(reason)
      case .held: return .held
      }
    }
  }
}

/// Runs Wireshark's command-line tools to make test captures.
enum WiresharkTools {
  /// Whether `text2pcap` and `editcap` are installed.
  static var available: Bool {
    FileManager.default.isExecutableFile(atPath: "/usr/bin/text2pcap")
      && FileManager.default.isExecutableFile(atPath: "/usr/bin/editcap")
  }

  /// Writes `packets` as a hex dump and runs `text2pcap arguments` on it.
  static func text2pcap(_ arguments: [String], packets: [[UInt8]]) throws -> [UInt8] {
    var text = ""
    for packet in packets {
      text += "0000 " + packet.map { String(format: " %02x", $0) }.joined() + "\n\n"
    }
    let directory = FileManager.default.temporaryDirectory
    let input = directory.appendingPathComponent("t2p-\(UUID().uuidString).txt")
    let output = directory.appendingPathComponent("t2p-\(UUID().uuidString).out")
    try Data(text.utf8).write(to: input)
    defer {
      try? FileManager.default.removeItem(at: input)
      try? FileManager.default.removeItem(at: output)
    }
    try run("/usr/bin/text2pcap", ["-q"] + arguments + [input.path, output.path])
    return Array(try Data(contentsOf: output))
  }

  /// Runs `editcap arguments` on `capture`.
  static func editcap(_ arguments: [String], capture: [UInt8]) throws -> [UInt8] {
    let directory = FileManager.default.temporaryDirectory
    let input = directory.appendingPathComponent("ec-\(UUID().uuidString).in")
    let output = directory.appendingPathComponent("ec-\(UUID().uuidString).out")
    try Data(capture).write(to: input)
    defer {
      try? FileManager.default.removeItem(at: input)
      try? FileManager.default.removeItem(at: output)
    }
    try run("/usr/bin/editcap", arguments + [input.path, output.path])
    return Array(try Data(contentsOf: output))
  }

  private static func run(_ tool: String, _ arguments: [String]) throws {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: tool)
    process.arguments = arguments
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    try process.run()
    process.waitUntilExit()
    guard process.terminationStatus == 0 else {
      throw ToolFailure(description: "\(tool) \(arguments) exited \(process.terminationStatus)")
    }
  }
}

struct ToolFailure: Error, CustomStringConvertible {
  var description: String
}
