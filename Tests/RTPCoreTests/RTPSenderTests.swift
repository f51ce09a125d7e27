import Foundation
import RTPCore
import Synchronization
import SystemPackage
import Testing

@testable import RTPBase
@testable import RTPCaptures
@testable import RTPGeneration
@testable import RTPIO
@testable import RTPNetwork
@testable import RTPPackets

@Suite("RTPSender")
struct RTPSenderTests {
  /// A pcap of `count` 20 ms PCMU packets from SSRC 0x11223344, sequence numbers from 65530 (so
  /// that a repetition wraps), each payload filled with its index.
  static func capture(count: Int) throws -> [UInt8] {
    let url = FileManager.default.temporaryDirectory
      .appendingPathComponent("rtpsender-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: url) }
    let descriptor = try FileDescriptor.open(
      url.path, .readWrite, options: [.create, .truncate], permissions: [.ownerReadWrite])
    defer { try? descriptor.close() }
    let writer = try CaptureWriter(sink: OutputSink(fileDescriptor: descriptor), format: .pcap)
    var synth = RTPSynth(
      sampleRate: 8000, packetTimeMicroseconds: 20_000,
      start: RTPStreamStart(ssrc: 0x1122_3344, sequenceNumber: 65530, timestamp: 1000))
    let source = Endpoint(address: .v4(.loopback), port: 4000)
    let destination = Endpoint(address: .v4(.loopback), port: 5004)
    for index in 0..<count {
      let packet = try synth.nextPacket(
        payloadType: 0, payload: [UInt8](repeating: UInt8(index), count: 160))
      _ = try packet.withUnsafeBytes { bytes in
        try writer.write(
          UDPDatagram(
            timestamp: Int64(index) * 20_000_000, source: source, destination: destination,
            payload: bytes))
      }
    }
    try writer.finish()
    return Array(try Data(contentsOf: url))
  }

  @Test(
    "Two streams, two repetitions, unpaced: every copy arrives, one SSRC a port, numbering runs on")
  func streamsAndRepetitions() throws {
    let server = try RTPServer(name: "test-sender-rx")
    defer { server.shutdown() }
    let received = LockedValue<[UInt16: [(seq: UInt16, ts: UInt32, ssrc: UInt32, first: UInt8)]]>(
      [:])
    var channels: [RTPChannel] = []
    let first = try server.createChannel(
      onPacket: { _, _, _ in }, bindingTo: Endpoint(address: .v4(.loopback), port: 0))
    let base = first.localAddress.port
    first.close()
    for offset in 0..<2 {
      let port = base + UInt16(offset)
      channels.append(
        try server.createChannel(
          onPacket: { bytes, _, _ in
            guard let packet = try? RTPPacket(validating: bytes) else { return }
            received.withLock {
              $0[port, default: []].append(
                (
                  packet.sequenceNumber, packet.timestamp, packet.ssrc,
                  packet.payload.first ?? 0
                ))
            }
          }, bindingTo: Endpoint(address: .v4(.loopback), port: port)))
    }
    let bytes = try Self.capture(count: 10)
    let sender = try RTPSender(
      destination: Endpoint(address: .v4(.loopback), port: base), local: nil, streams: 2,
      pace: .none, speed: 1)
    var passes: [Int] = []
    var progress: [UInt64] = []
    let failure = bytes.withUnsafeBytes { raw in
      sender.send(repetitions: 2, progress: { progress.append($0) }) {
        repetition throws(CaptureError) in
        passes.append(repetition)
        return try DatagramReader(source: InputSource(bytes: raw))
      }
    }
    #expect(failure == nil)
    let result = sender.finish()
    #expect(passes == [0, 1])
    #expect(result.read == 20)
    #expect(result.counters.sent == 40)
    #expect(waitFor { received.withLock { $0.values.reduce(0) { $0 + $1.count } } == 40 })
    let streams = received.withLock { $0 }
    #expect(Set(streams.keys) == [base, base + 1])
    var ssrcs: Set<UInt32> = []
    for (_, packets) in streams {
      // One socket sends in queue order and loopback keeps it: arrival order is sending order.
      #expect(Set(packets.map(\.ssrc)).count == 1)
      ssrcs.insert(packets[0].ssrc)
      #expect(packets.map(\.first) == (0..<20).map { UInt8($0 % 10) })
      // Repetition 1 continues repetition 0, across the sequence wrap: 20 consecutive sequence
      // numbers and timestamps 160 apart, from wherever the stream's shift put the first.
      for (index, packet) in packets.enumerated() {
        #expect(packet.seq == packets[0].seq &+ UInt16(index))
        #expect(packet.ts == packets[0].ts &+ UInt32(index) * 160)
      }
    }
    #expect(ssrcs.count == 2)
    #expect(progress.isEmpty || progress.last! <= 10)
    for channel in channels { channel.close() }
  }

  @Test("Paced copies of the first datagram leave spread over 20 ms, not in one burst")
  func firstDatagramSpread() throws {
    let server = try RTPServer(name: "test-sender-spread")
    defer { server.shutdown() }
    let arrivals = LockedValue<[UInt16: [NetworkInstant]]>([:])
    let probe = try server.createChannel(
      onPacket: { _, _, _ in }, bindingTo: Endpoint(address: .v4(.loopback), port: 0))
    let base = probe.localAddress.port
    probe.close()
    var channels: [RTPChannel] = []
    for offset in 0..<4 {
      let port = base + UInt16(offset)
      channels.append(
        try server.createChannel(
          onPacket: { _, _, time in
            arrivals.withLock { $0[port, default: []].append(time.monotonic) }
          }, bindingTo: Endpoint(address: .v4(.loopback), port: port)))
    }
    let bytes = try Self.capture(count: 3)
    let sender = try RTPSender(
      destination: Endpoint(address: .v4(.loopback), port: base), local: nil, streams: 4,
      pace: .capture, speed: 1)
    let failure = bytes.withUnsafeBytes { raw in
      sender.send(repetitions: 1) { _ throws(CaptureError) in
        try DatagramReader(source: InputSource(bytes: raw))
      }
    }
    #expect(failure == nil)
    #expect(sender.finish().counters.sent == 12)
    #expect(waitFor { arrivals.withLock { $0.values.reduce(0) { $0 + $1.count } } == 12 })
    let first = arrivals.withLock { map in
      (0..<4).map { map[base + UInt16($0)]?.first ?? NetworkInstant(nanoseconds: 0) }
    }
    // Copy i is due i × 5 ms after copy 0 and is never sent before it is due (less 0.5 ms for
    // the kernel's timestamps against the sender's clock).
    for index in 1..<4 {
      #expect(
        first[index] - first[0] >= .milliseconds(5) * index - .microseconds(500), "copy \(index)")
    }
    for channel in channels { channel.close() }
  }

  @Test("A damaged capture: what came before the damage is sent, then the error is returned")
  func damagedInput() throws {
    let bytes = try Self.capture(count: 10)
    // Cut inside the 6th record: header 24 bytes, records 16 + 14 + 20 + 8 + 172 = 230 each.
    let cut = Array(bytes[0..<(24 + 5 * 230 + 100)])
    let server = try RTPServer(name: "test-sender-damage")
    defer { server.shutdown() }
    let count = Atomic<Int>(0)
    let sink = try server.createChannel(
      onPacket: { _, _, _ in count.add(1, ordering: .relaxed) },
      bindingTo: Endpoint(address: .v4(.loopback), port: 0))
    let sender = try RTPSender(
      destination: sink.localAddress, local: nil, streams: 1, pace: .none, speed: 1)
    let failure = cut.withUnsafeBytes { raw in
      sender.send(repetitions: 1) { _ throws(CaptureError) in
        try DatagramReader(source: InputSource(bytes: raw))
      }
    }
    #expect(failure != nil)
    let result = sender.finish()
    #expect(result.read == 5 && result.counters.sent == 5)
    #expect(waitFor { count.load(ordering: .relaxed) == 5 })
    sink.close()
  }
}
