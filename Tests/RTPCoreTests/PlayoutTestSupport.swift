import Foundation
import RTPCore
import SystemPackage

/// Builds captures in memory and plays them out, for the stream table and pipeline tests.
enum PlayoutFixture {
  static let alice = Endpoint(address: .v4(IPv4Address("192.0.2.1")!), port: 4000)
  static let bob = Endpoint(address: .v4(IPv4Address("192.0.2.2")!), port: 5004)
  static let carol = Endpoint(address: .v4(IPv4Address("192.0.2.3")!), port: 6000)

  /// A packet to put in a capture.
  struct Packet {
    var time: Int64
    var source = PlayoutFixture.alice
    var destination = PlayoutFixture.bob
    var bytes: [UInt8]
  }

  /// An RTP packet: 12-byte header, then `payload`.
  static func rtp(
    sequence: UInt16, timestamp: UInt32, ssrc: UInt32 = 0x1234_5678, payloadType: UInt8 = 0,
    marker: Bool = false, payload: [UInt8] = [UInt8](repeating: 0x55, count: 160)
  ) -> [UInt8] {
    var bytes: [UInt8] = [0x80, payloadType | (marker ? 0x80 : 0)]
    bytes += [UInt8(sequence >> 8), UInt8(sequence & 0xFF)]
    for shift in stride(from: 24, through: 0, by: -8) {
      bytes.append(UInt8(timestamp >> UInt32(shift) & 0xFF))
    }
    for shift in stride(from: 24, through: 0, by: -8) {
      bytes.append(UInt8(ssrc >> UInt32(shift) & 0xFF))
    }
    return bytes + payload
  }

  /// A 20 ms PCMU packet of a stream starting at sequence 1000, timestamp 8000, time 1 s; its
  /// payload bytes all equal the sequence number's low byte.
  static func voice(_ index: Int, ssrc: UInt32 = 0x1234_5678) -> Packet {
    Packet(
      time: 1_000_000_000 + Int64(index) * 20_000_000,
      bytes: rtp(
        sequence: UInt16(1000 + index), timestamp: UInt32(8000 + 160 * index), ssrc: ssrc,
        payload: [UInt8](repeating: UInt8(truncatingIfNeeded: index), count: 160)))
  }

  /// `packets` written as a pcap.
  static func capture(_ packets: [Packet]) throws -> [UInt8] {
    try withTemporaryFile { descriptor, url in
      let sink = OutputSink(fileDescriptor: descriptor)
      let writer = try CaptureWriter(sink: sink, format: .pcap, precision: .nanoseconds)
      for packet in packets {
        _ = try packet.bytes.withUnsafeBytes { payload in
          try writer.write(
            UDPDatagram(
              timestamp: packet.time, source: packet.source, destination: packet.destination,
              payload: payload))
        }
      }
      try writer.finish()
      return try [UInt8](Data(contentsOf: url))
    }
  }

  /// Runs `body` with a reader over `bytes`.
  static func withReader<T>(_ bytes: [UInt8], _ body: (DatagramReader) throws -> T) throws -> T {
    try withTemporaryFile { descriptor, _ in
      _ = try descriptor.writeAll(bytes)
      _ = try descriptor.seek(offset: 0, from: .start)
      return try body(DatagramReader(source: InputSource(fileDescriptor: descriptor)))
    }
  }

  enum Kind { case capture, payload, events }

  /// Plays `bytes` out and returns the output, the statistics and the error, if any.
  static func play(
    _ bytes: [UInt8], selection: RTPStreamSelection, kind: Kind, capacity: Int = 50,
    maxDelay: Int64? = nil, encoding: PayloadEncoding? = nil
  ) throws -> (output: [UInt8], statistics: PlayoutStatistics, error: PlayoutError?) {
    try withReader(bytes) { reader in
      try withTemporaryFile { descriptor, url in
        let sink = OutputSink(fileDescriptor: descriptor)
        let output: PlayoutOutput
        switch kind {
        case .capture:
          output = .capture(try CaptureWriter(sink: sink, format: .pcap, precision: .nanoseconds))
        case .payload: output = .payload(PayloadWriter(sink: sink, encoding: encoding))
        case .events: output = .events(PlayoutEventWriter(sink: sink))
        }
        let pipeline = PlayoutPipeline(
          reader: reader, selection: selection, capacity: capacity, maxDelay: maxDelay)
        var failure: PlayoutError?
        do throws(PlayoutError) {
          try pipeline.run(into: output)
        } catch {
          failure = error
        }
        return (try [UInt8](Data(contentsOf: url)), pipeline.statistics, failure)
      }
    }
  }

  /// The datagrams of a capture, copied.
  static func datagrams(_ bytes: [UInt8]) throws -> [ReadDatagram] {
    try withReader(bytes) { reader in
      var all: [ReadDatagram] = []
      while let datagram = try reader.next() { all.append(ReadDatagram(datagram)) }
      return all
    }
  }

  private static func withTemporaryFile<T>(
    _ body: (FileDescriptor, URL) throws -> T
  ) throws -> T {
    let url = FileManager.default.temporaryDirectory
      .appendingPathComponent("rtpcore-playout-\(UUID().uuidString)")
    let descriptor = try FileDescriptor.open(
      url.path, .readWrite, options: [.create, .truncate], permissions: [.ownerReadWrite])
    defer {
      try? descriptor.close()
      try? FileManager.default.removeItem(at: url)
    }
    return try body(descriptor, url)
  }
}
