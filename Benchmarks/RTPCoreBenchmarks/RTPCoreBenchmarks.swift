// Micro-benchmarks of RTPCore's hot paths. Every benchmark does one million packets per measured
// run and uses scaling factor `.mega`, so `throughput` reads directly as M packets/s.
//
// Run: `swift package --package-path Benchmarks benchmark` (or scripts/bench, which also measures
// rtpgen as a whole process). Figures drift on shared machines: compare within one run.

import Benchmark
import RTPCore
import SystemPackage

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Packets per measured run: `.mega` makes `throughput` read as M packets/s.
private let packetsPerRun = 1_000_000

/// PCMU at 8000 Hz, 20 ms: 160 payload bytes, 172-byte RTP packets.
private let pcmuPayloadLength = 160
private let pcmuPacketLength = 12 + pcmuPayloadLength

/// `.instructions` comes from perf counters; where the kernel or VM has none (`perf stat -e
/// instructions true` says "not supported"), the tool leaves that row out.
private let metrics: [BenchmarkMetric] = [
  .throughput, .wallClock, .mallocCountTotal, .instructions,
]

private func configuration() -> Benchmark.Configuration {
  .init(
    metrics: metrics, timeUnits: .nanoseconds, warmupIterations: 3, scalingFactor: .mega,
    maxDuration: .seconds(3), maxIterations: 200)
}

let benchmarks: @Sendable () -> Void = {
  // MARK: Generation

  Benchmark(
    "RTPSynth.nextPacket into a caller's buffer (PCMU 20 ms)", configuration: configuration()
  ) { benchmark in
    // A ring of packet slots, as a writer filling a sink's buffer would use: every header lands
    // at a distinct address, so no store can be folded into a later one.
    let slots = 64
    let ring = UnsafeMutableRawBufferPointer.allocate(
      byteCount: slots * pcmuPacketLength, alignment: 16)
    defer { ring.deallocate() }
    ring.initializeMemory(as: UInt8.self, repeating: 0xFF)
    var synth = RTPSynth(
      sampleRate: 8000, packetTimeMicroseconds: 20_000, start: .seeded(1))
    var written = 0
    benchmark.startMeasurement()
    for _ in 0..<(packetsPerRun / slots) {
      for slot in 0..<slots {
        let packet = UnsafeMutableRawBufferPointer(
          rebasing: ring[(slot * pcmuPacketLength)..<((slot + 1) * pcmuPacketLength)])
        written &+= try synth.nextPacket(
          payloadType: 0, payloadLength: pcmuPayloadLength, into: packet)
      }
    }
    // The remainder of a run that the ring does not divide.
    for _ in 0..<(packetsPerRun % slots) {
      written &+= try synth.nextPacket(
        payloadType: 0, payloadLength: pcmuPayloadLength,
        into: UnsafeMutableRawBufferPointer(rebasing: ring[0..<pcmuPacketLength]))
    }
    benchmark.stopMeasurement()
    precondition(written == packetsPerRun * pcmuPacketLength)
    precondition(synth.packetCount == UInt64(packetsPerRun))
    blackHole(written)
    blackHole(synth)
    blackHole(UnsafeRawBufferPointer(ring))
  }

  // MARK: Parsing

  Benchmark(
    "RTPPacket(validating:) + ssrc/seq/ts/payload, 1000 varied packets",
    configuration: configuration()
  ) { benchmark in
    let corpus = PacketCorpus(count: 1000)
    defer { corpus.deallocate() }
    let packets = corpus.packets
    var checksum: UInt64 = 0
    var payloadBytes = 0
    benchmark.startMeasurement()
    for _ in 0..<(packetsPerRun / packets.count) {
      for bytes in packets {
        let packet = try RTPPacket(validating: bytes)
        let payload = packet.payload
        checksum &+=
          UInt64(packet.ssrc) ^ UInt64(packet.sequenceNumber) &<< 32 ^ UInt64(packet.timestamp)
        payloadBytes &+= payload.count
        if let first = payload.first { checksum &+= UInt64(first) }
      }
    }
    benchmark.stopMeasurement()
    precondition(packetsPerRun % packets.count == 0)
    precondition(payloadBytes == corpus.payloadBytes * (packetsPerRun / packets.count))
    blackHole(checksum)
    blackHole(payloadBytes)
  }

  // MARK: Captures

  for format in [CaptureFormat.pcap, .pcapng] {
    Benchmark(
      "CaptureWriter.writePacket, \(format) to /dev/null (172-byte RTP)",
      configuration: configuration()
    ) { benchmark in
      let devNull = try FileDescriptor.open("/dev/null", .writeOnly)
      defer { try? devNull.close() }
      let sink = OutputSink(fileDescriptor: devNull)
      let writer = try CaptureWriter(sink: sink, format: format)
      var synth = RTPSynth(sampleRate: 8000, packetTimeMicroseconds: 20_000, start: .seeded(2))
      var packet = [UInt8](repeating: 0xFF, count: pcmuPacketLength)
      _ = try packet.withUnsafeMutableBytes { bytes in
        try synth.nextPacket(payloadType: 0, payloadLength: pcmuPayloadLength, into: bytes)
      }
      let source = Endpoint(address: .v4(IPv4Address(192, 0, 2, 1)), port: 40_000)
      let destination = Endpoint(address: .v4(IPv4Address(192, 0, 2, 2)), port: 5004)
      var timestamp: Int64 = 1_700_000_000_000_000_000
      benchmark.startMeasurement()
      try packet.withUnsafeBytes { packet in
        for _ in 0..<packetsPerRun {
          try writer.writePacket(
            timestamp: timestamp, source: source, destination: destination,
            payloadLength: pcmuPacketLength
          ) { space in
            space.copyMemory(from: packet)
          }
          timestamp &+= 20_000_000
        }
        try writer.finish()
      }
      benchmark.stopMeasurement()
      precondition(writer.packetsWritten == packetsPerRun)
    }

    Benchmark(
      "DatagramReader over a 100k-packet \(format) file (172-byte RTP)",
      configuration: configuration()
    ) { benchmark in
      let path = try CaptureFixture.shared(format).path()
      let passes = packetsPerRun / CaptureFixture.packetCount
      var checksum = 0
      benchmark.startMeasurement()
      for _ in 0..<passes {
        let file = try FileDescriptor.open(path, .readOnly)
        defer { try? file.close() }
        let reader = try DatagramReader(source: InputSource(fileDescriptor: file))
        var count = 0
        while let datagram = try reader.next() {
          count += 1
          checksum &+= datagram.payload.count &+ Int(datagram.destination.port)
        }
        precondition(count == CaptureFixture.packetCount, "read \(count) datagrams")
      }
      benchmark.stopMeasurement()
      blackHole(checksum)
    }
  }

  // MARK: RTCP

  // An SR with one report block and an SDES with CNAME and TOOL: what a sender that also
  // receives puts in every RTCP interval.
  let compound = RTCPCompound([
    .senderReport(
      RTCPSenderReport(
        ssrc: 0x5EED_0001, ntpTimestamp: NTPTimestamp(unixNanoseconds: 1_700_000_000_000_000_000),
        rtpTimestamp: 0x1234_5678, packetCount: 50_000, octetCount: 8_000_000,
        reports: [
          RTCPReportBlock(
            ssrc: 0x5EED_0002, fractionLost: 3, cumulativeLost: 17,
            extendedHighestSequence: 0x0001_2345, jitter: 42, lastSenderReport: 0xABCD_1234,
            delaySinceLastSenderReport: 0x0000_8000)
        ])),
    .sourceDescription(
      RTCPSourceDescription(chunks: [
        RTCPSourceDescriptionChunk(
          ssrc: 0x5EED_0001,
          items: [
            RTCPSourceDescriptionItem(
              type: RTCPSourceDescriptionItem.cname, text: "rtpsynth@192.0.2.1"),
            RTCPSourceDescriptionItem(type: RTCPSourceDescriptionItem.tool, text: "rtpsynth"),
          ])
      ])),
  ])

  Benchmark(
    "RTCP build: SR (1 report block) + SDES (CNAME, TOOL) into a caller's buffer",
    configuration: configuration()
  ) { benchmark in
    let length = compound.serializedLength
    // A ring of slots, as for RTPSynth: every compound lands at a distinct address.
    let slots = 64
    let stride = (length + 15) & ~15
    let ring = UnsafeMutableRawBufferPointer.allocate(byteCount: slots * stride, alignment: 16)
    defer { ring.deallocate() }
    ring.initializeMemory(as: UInt8.self, repeating: 0)
    var written = 0
    benchmark.startMeasurement()
    for index in 0..<packetsPerRun {
      let slot = index % slots
      written &+= try compound.serialize(
        into: UnsafeMutableRawBufferPointer(
          rebasing: ring[(slot * stride)..<(slot * stride + length)]))
    }
    benchmark.stopMeasurement()
    precondition(written == packetsPerRun * length)
    blackHole(UnsafeRawBufferPointer(ring))
  }

  // What a session reads from every compound it receives: the SR's sender info and report
  // blocks, and the SDES items, in place.
  Benchmark(
    "RTCP parse: RTCPCompoundView(validating:) of SR (1 report block) + SDES (CNAME, TOOL), every field read",
    configuration: configuration()
  ) { benchmark in
    let bytes = try compound.serialized()
    var checksum: UInt64 = 0
    try bytes.withUnsafeBytes { raw in
      benchmark.startMeasurement()
      for _ in 0..<packetsPerRun {
        for packet in try RTCPCompoundView(validating: raw) {
          switch packet.packetType {
          case RTCPSenderReport.packetType:
            checksum &+= UInt64(packet.ssrc) &+ packet.ntpTimestamp.rawValue
            checksum &+= UInt64(packet.rtpTimestamp &+ packet.packetCount &+ packet.octetCount)
            for block in packet.reportBlocks {
              checksum &+= UInt64(block.ssrc &+ block.extendedHighestSequence &+ block.jitter)
              checksum &+= UInt64(block.lastSenderReport &+ block.delaySinceLastSenderReport)
            }
          case RTCPSourceDescription.packetType:
            for chunk in packet.sourceDescriptionChunks {
              checksum &+= UInt64(chunk.ssrc)
              for item in chunk { checksum &+= UInt64(item.type) &+ UInt64(item.value.count) }
            }
          default:
            checksum &+= 1
          }
        }
      }
      benchmark.stopMeasurement()
      let parsed = RTCPCompound(try RTCPCompoundView(validating: raw))
      precondition(parsed == compound, "round trip differs")
    }
    blackHole(checksum)
  }

  Benchmark(
    "RTCP decode: RTCPCompound(parsing:) of the same into values (arrays)",
    configuration: configuration()
  ) { benchmark in
    let bytes = try compound.serialized()
    var checksum = 0
    try bytes.withUnsafeBytes { raw in
      benchmark.startMeasurement()
      for _ in 0..<packetsPerRun {
        let parsed = try RTCPCompound(parsing: raw)
        checksum &+= parsed.packets.count
      }
      benchmark.stopMeasurement()
    }
    precondition(checksum == packetsPerRun * 2)
    let parsed = try RTCPCompound(parsing: bytes)
    precondition(parsed == compound, "round trip differs")
    blackHole(checksum)
  }

  // MARK: Jitter buffer

  for pattern in JitterPattern.allCases {
    for capacity in pattern.capacities {
      Benchmark(
        "JitterBuffer \(pattern.title), capacity \(capacity)", configuration: configuration()
      ) { benchmark in
        let traffic = JitterTraffic.shared(pattern)
        let buffer = JitterBuffer(capacity: capacity)
        var settled = 0
        benchmark.startMeasurement()
        for index in 0..<traffic.count {
          try buffer.feed(traffic.packet(index), arrival: 0) { event in
            switch event {
            case .ready(let frame): settled &+= Int(frame.packet.sequenceNumber)
            case .dropped: settled &+= 1
            case .erasure, .streamStarted: break
            }
          }
        }
        buffer.flush { _ in settled &+= 1 }
        benchmark.stopMeasurement()
        precondition(buffer.statistics.settled == UInt64(traffic.count))
        blackHole(settled)
      }
    }
  }
  // MARK: Audio

  for law in G711Law.allCases {
    Benchmark("G711 bulk encode \(law.rawValue)-law (M samples/s)", configuration: configuration())
    {
      benchmark in
      let samples = UnsafeMutableBufferPointer<Int16>.allocate(capacity: packetsPerRun)
      defer { samples.deallocate() }
      var random = SplitMix(seed: 7)
      for index in 0..<packetsPerRun { samples[index] = Int16(truncatingIfNeeded: random.next()) }
      let codes = UnsafeMutableRawBufferPointer.allocate(byteCount: packetsPerRun, alignment: 64)
      defer { codes.deallocate() }
      benchmark.startMeasurement()
      G711.encode(law, UnsafeBufferPointer(samples), into: codes)
      benchmark.stopMeasurement()
      blackHole(codes[packetsPerRun / 2])
    }
    Benchmark("G711 bulk decode \(law.rawValue)-law (M samples/s)", configuration: configuration())
    {
      benchmark in
      let codes = UnsafeMutableRawBufferPointer.allocate(byteCount: packetsPerRun, alignment: 64)
      defer { codes.deallocate() }
      var random = SplitMix(seed: 8)
      for index in 0..<packetsPerRun { codes[index] = UInt8(truncatingIfNeeded: random.next()) }
      let samples = UnsafeMutableBufferPointer<Int16>.allocate(capacity: packetsPerRun)
      defer { samples.deallocate() }
      benchmark.startMeasurement()
      G711.decode(law, UnsafeRawBufferPointer(codes), into: samples)
      benchmark.stopMeasurement()
      blackHole(samples[packetsPerRun / 2])
    }
  }
  for (quality, inputRate, outputRate) in [
    (ResamplerQuality.linear, 8000, 11025), (.linear, 44100, 8000), (.high, 44100, 8000),
  ] {
    Benchmark(
      "Resample \(quality) \(inputRate) -> \(outputRate) (M input samples/s)",
      configuration: configuration()
    ) { benchmark in
      let samples = UnsafeMutableBufferPointer<Int16>.allocate(capacity: packetsPerRun)
      defer { samples.deallocate() }
      var random = SplitMix(seed: 11)
      for index in 0..<packetsPerRun {
        samples[index] = Int16(truncatingIfNeeded: random.next() >> 2)
      }
      let resampler = try makeResampler(
        quality: quality, inputRate: inputRate, outputRate: outputRate)
      var checksum = 0
      benchmark.startMeasurement()
      // 20 ms chunks, as a filter reading a pipe sees them.
      let chunk = inputRate / 50
      var start = 0
      while start < packetsPerRun {
        let end = min(start + chunk, packetsPerRun)
        try resampler.process(UnsafeBufferPointer(rebasing: samples[start..<end])) {
          checksum &+= Int($0[0])
        }
        start = end
      }
      benchmark.stopMeasurement()
      blackHole(checksum)
    }
  }
}

// MARK: - Fixtures

/// ~1000 valid RTP packets of varied shape in one allocation: payload lengths from 20 to 1200
/// bytes, payload types, markers, and some with CSRCs, a header extension or padding.
private struct PacketCorpus {
  let storage: UnsafeMutableRawBufferPointer
  let packets: [UnsafeRawBufferPointer]
  let payloadBytes: Int

  init(count: Int) {
    var random = SplitMix(seed: 0x5EED)
    var layouts: [(csrcs: Int, extensionWords: Int, payload: Int, padding: Int)] = []
    for index in 0..<count {
      let csrcs = index % 10 == 3 ? Int(random.next() % 4) + 1 : 0
      let extensionWords = index % 7 == 2 ? Int(random.next() % 3) : -1
      let payload = [20, 80, 160, 172, 320, 1200][Int(random.next() % 6)]
      let padding = index % 13 == 5 ? Int(random.next() % 4) + 1 : 0
      layouts.append((csrcs, extensionWords, payload, padding))
    }
    let lengths = layouts.map { layout in
      12 + 4 * layout.csrcs + (layout.extensionWords >= 0 ? 4 + 4 * layout.extensionWords : 0)
        + layout.payload + layout.padding
    }
    // Each packet starts on an 8-byte boundary, as datagrams in a receive buffer would.
    let strides = lengths.map { ($0 + 7) & ~7 }
    storage = .allocate(byteCount: strides.reduce(0, +), alignment: 16)
    storage.initializeMemory(as: UInt8.self, repeating: 0)
    var packets: [UnsafeRawBufferPointer] = []
    var offset = 0
    var payloadBytes = 0
    for (index, layout) in layouts.enumerated() {
      let base = storage.baseAddress! + offset
      let first =
        0x80 | UInt8(layout.csrcs) | (layout.extensionWords >= 0 ? 0x10 : 0)
        | (layout.padding > 0 ? 0x20 : 0)
      let payloadType: UInt8 = [0, 8, 9, 96, 101, 111][index % 6]
      base.storeBytes(of: first, as: UInt8.self)
      base.storeBytes(
        of: (index % 50 == 0 ? 0x80 : 0) | payloadType, toByteOffset: 1, as: UInt8.self)
      base.storeBytes(
        of: UInt16(truncatingIfNeeded: index).bigEndian, toByteOffset: 2, as: UInt16.self)
      base.storeBytes(
        of: UInt32(truncatingIfNeeded: index * 160).bigEndian, toByteOffset: 4, as: UInt32.self)
      base.storeBytes(
        of: UInt32(truncatingIfNeeded: random.next()).bigEndian, toByteOffset: 8, as: UInt32.self)
      var header = 12 + 4 * layout.csrcs
      if layout.extensionWords >= 0 {
        base.storeBytes(of: UInt16(0xBEDE).bigEndian, toByteOffset: header, as: UInt16.self)
        base.storeBytes(
          of: UInt16(layout.extensionWords).bigEndian, toByteOffset: header + 2, as: UInt16.self)
        header += 4 + 4 * layout.extensionWords
      }
      for byte in 0..<layout.payload {
        base.storeBytes(
          of: UInt8(truncatingIfNeeded: byte &* 7), toByteOffset: header + byte, as: UInt8.self)
      }
      if layout.padding > 0 {
        base.storeBytes(
          of: UInt8(layout.padding), toByteOffset: lengths[index] - 1, as: UInt8.self)
      }
      packets.append(UnsafeRawBufferPointer(start: base, count: lengths[index]))
      payloadBytes += layout.payload
      offset += strides[index]
    }
    self.packets = packets
    self.payloadBytes = payloadBytes
  }

  func deallocate() { storage.deallocate() }
}

/// A capture of `packetCount` PCMU packets written once by CaptureWriter, in one format, to a
/// temporary file, and removed when the benchmark process exits.
private final class CaptureFixture: @unchecked Sendable {
  static let packetCount = 100_000
  private static let pcap = CaptureFixture(format: .pcap)
  private static let pcapng = CaptureFixture(format: .pcapng)

  static func shared(_ format: CaptureFormat) -> CaptureFixture {
    switch format {
    case .pcapng: return pcapng
    default: return pcap
    }
  }

  let format: CaptureFormat
  private var cached: FilePath?

  private init(format: CaptureFormat) { self.format = format }

  func path() throws -> FilePath {
    if let cached { return cached }
    let suffix = format == .pcapng ? ".pcapng" : ".pcap"
    var template = Array("/tmp/rtpcore-bench-XXXXXX\(suffix)".utf8CString)
    let fd = template.withUnsafeMutableBufferPointer {
      mkstemps($0.baseAddress!, Int32(suffix.utf8.count))
    }
    precondition(fd >= 0, "mkstemps failed")
    let path = FilePath(template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) })
    let file = FileDescriptor(rawValue: fd)
    defer { try? file.close() }
    let sink = OutputSink(fileDescriptor: file)
    let writer = try CaptureWriter(sink: sink, format: format)
    var synth = RTPSynth(sampleRate: 8000, packetTimeMicroseconds: 20_000, start: .seeded(3))
    let source = Endpoint(address: .v4(IPv4Address(192, 0, 2, 1)), port: 40_000)
    let destination = Endpoint(address: .v4(IPv4Address(192, 0, 2, 2)), port: 5004)
    for index in 0..<Self.packetCount {
      try writer.writePacket(
        timestamp: 1_700_000_000_000_000_000 + Int64(index) * 20_000_000, source: source,
        destination: destination, payloadLength: pcmuPacketLength
      ) { space in
        _ = try? synth.nextPacket(payloadType: 0, payloadLength: pcmuPayloadLength, into: space)
        UnsafeMutableRawBufferPointer(rebasing: space[12...]).initializeMemory(
          as: UInt8.self, repeating: 0xFF)
      }
    }
    try writer.finish()
    cached = path
    atexit {
      CaptureFixture.pcap.remove()
      CaptureFixture.pcapng.remove()
    }
    return path
  }

  private func remove() {
    if let cached { _ = cached.withPlatformString { unlink($0) } }
  }
}

/// SplitMix64, for a corpus that is the same in every run.
private struct SplitMix {
  var state: UInt64
  init(seed: UInt64) { state = seed }
  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z &>> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z &>> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z &>> 31)
  }
}

/// The arrival orders the jitter buffer is measured on.
private enum JitterPattern: CaseIterable {
  /// Every packet, in order.
  case inOrder
  /// 2 % of packets lost.
  case loss
  /// librtpsynth's own test pattern: windows of up to 200 packets shuffled, 10 % duplicated.
  case reorderDuplicates

  var title: String {
    switch self {
    case .inOrder: return "in order"
    case .loss: return "2 % loss"
    case .reorderDuplicates: return "reorder (windows <= 200) + 10 % duplicates"
    }
  }

  var capacities: [Int] { [20, 200, 1000] }
}

/// One million 16-byte RTP packets laid out in arrival order for a pattern.
private final class JitterTraffic: @unchecked Sendable {
  static let packetLength = 16
  let count: Int
  private let storage: UnsafeMutableRawBufferPointer

  init(_ pattern: JitterPattern) {
    var random = SplitMix(seed: 0x1B7)
    var order: [UInt32] = []
    order.reserveCapacity(packetsPerRun)
    var next: UInt32 = 0
    while order.count < packetsPerRun {
      switch pattern {
      case .inOrder:
        order.append(next)
        next += 1
      case .loss:
        if random.next() % 50 != 0 { order.append(next) }
        next += 1
      case .reorderDuplicates:
        let window = Int(random.next() % 200) + 1
        var block = (0..<UInt32(window)).map { next + $0 }
        next += UInt32(window)
        for index in stride(from: block.count - 1, to: 0, by: -1) {
          block.swapAt(index, Int(random.next() % UInt64(index + 1)))
        }
        for sequence in block {
          order.append(sequence)
          if random.next() % 10 == 0 { order.append(sequence) }
        }
      }
    }
    count = packetsPerRun
    storage = .allocate(byteCount: count * Self.packetLength, alignment: 16)
    for (index, sequence) in order.prefix(count).enumerated() {
      let base = storage.baseAddress! + index * Self.packetLength
      base.storeBytes(of: 0x80, as: UInt8.self)
      base.storeBytes(of: 0, toByteOffset: 1, as: UInt8.self)
      base.storeBytes(
        of: UInt16(truncatingIfNeeded: sequence).bigEndian, toByteOffset: 2, as: UInt16.self)
      base.storeBytes(of: (sequence &* 160).bigEndian, toByteOffset: 4, as: UInt32.self)
      base.storeBytes(of: UInt32(0x5EED).bigEndian, toByteOffset: 8, as: UInt32.self)
      base.storeBytes(of: UInt32(0xFFFF_FFFF), toByteOffset: 12, as: UInt32.self)
    }
  }

  func packet(_ index: Int) -> UnsafeRawBufferPointer {
    UnsafeRawBufferPointer(
      rebasing: storage[(index * Self.packetLength)..<((index + 1) * Self.packetLength)])
  }

  nonisolated(unsafe) private static var cache: [JitterPattern: JitterTraffic] = [:]

  static func shared(_ pattern: JitterPattern) -> JitterTraffic {
    if let traffic = cache[pattern] { return traffic }
    let traffic = JitterTraffic(pattern)
    cache[pattern] = traffic
    return traffic
  }
}
