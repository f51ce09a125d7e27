import Foundation
import RTPCore
import SystemPackage
import Testing

@testable import RTPGeneration

@Suite("RTPStreamGenerator")
struct RTPStreamGeneratorTests {
  /// Runs a generator of `count` silent PCMU packets with payload type `payloadType` into a
  /// pcap file; returns the file's bytes and what the run threw.
  static func generate(payloadType: UInt8, count: UInt64) throws -> (
    bytes: [UInt8], error: RTPGenerationError?, written: UInt64
  ) {
    let path = FileManager.default.temporaryDirectory
      .appendingPathComponent("rtpcore-generator-\(UUID().uuidString).pcap").path
    defer { try? FileManager.default.removeItem(atPath: path) }
    let descriptor = try FileDescriptor.open(
      path, .writeOnly, options: [.create, .truncate], permissions: [.ownerReadWrite])
    let writer = try CaptureWriter(sink: OutputSink(fileDescriptor: descriptor), format: .pcap)
    let configuration = RTPStreamGenerator.Configuration(
      payloadType: payloadType, encoding: .pcmu, sampleRate: 8000, packetTimeMicroseconds: 20_000,
      start: RTPStreamStart(ssrc: 1, sequenceNumber: 1, timestamp: 0),
      source: Endpoint(address: .v4(.loopback), port: 5000),
      destination: Endpoint(address: .v4(.loopback), port: 5004), startTime: 0,
      packetLimit: count)
    let generator = RTPStreamGenerator(configuration: configuration, payload: .silence)
    var failure: RTPGenerationError? = nil
    do {
      try generator.run(into: writer)
    } catch {
      failure = error
    }
    try writer.finish()
    try descriptor.close()
    let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
    return (bytes, failure, generator.statistics.written)
  }

  @Test("A payload type RTP cannot carry is an error before any packet, not stale headers")
  func payloadTypeOutOfRange() throws {
    let refused = try Self.generate(payloadType: 200, count: 3)
    guard case .invalidHeader(let cause) = refused.error else {
      Issue.record("expected invalidHeader, got \(String(describing: refused.error))")
      return
    }
    #expect(cause == .payloadTypeOutOfRange(200))
    #expect(refused.written == 0)
    #expect(refused.bytes.count == 24, "a pcap header and no record")
    #expect("\(refused.error!)" == "payload type 200 is outside 0...127")

    let made = try Self.generate(payloadType: 127, count: 3)
    #expect(made.error == nil)
    #expect(made.written == 3)
    // pcap header, then per record 16 + 14 Ethernet + 20 IPv4 + 8 UDP + 12 RTP + 160 payload.
    #expect(made.bytes.count == 24 + 3 * (16 + 14 + 20 + 8 + 12 + 160))
    let firstRTP = 24 + 16 + 14 + 20 + 8
    #expect(made.bytes[firstRTP] == 0x80)
    #expect(made.bytes[firstRTP + 1] & 0x7F == 127, "the payload type, under the marker")
  }
}
