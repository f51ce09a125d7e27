import RTPCore
import Testing

/// Every allocation an input controls has a cap (issue 8, security defaults); one test per cap
/// not covered where its reader is tested: the fragment table's entries and bytes are in
/// FragmentReassemblerTests, snaplen and pcapng block lengths in CaptureReaderTests, a 4 GiB WAV
/// chunk in AudioHostileTests.
@Suite("Caps on what input controls")
struct InputCapTests {
  typealias B = CaptureBytes

  @Test("A pcapng section with more interfaces than 65,536 is an error at the first one over")
  func pcapngInterfaces() throws {
    let interface = B.interfaceDescription()
    var file = B.sectionHeader()
    file.reserveCapacity(file.count + 65_537 * interface.count)
    for _ in 0..<65_537 { file += interface }
    let result = try TestInput.records(file)
    #expect(result.records.isEmpty)
    let error = try #require(result.error)
    #expect("\(error)".contains("more than 65536 interfaces in one section"), "\(error)")
    #expect("\(error)".contains("block 65538"), "\(error)")
  }

  @Test("A pcapng block one word over 16 MiB is refused before any of it is buffered")
  func pcapngBlockJustOver() throws {
    let header = B.sectionHeader() + B.interfaceDescription()
    let file =
      header + B.u32(6, bigEndian: false) + B.u32((16 << 20) + 4, bigEndian: false)
      + [UInt8](repeating: 0, count: 64)
    let result = try TestInput.records(file)
    #expect(result.records.isEmpty)
    let error = try #require(result.error)
    #expect("\(error)".contains("exceeds the limit of 16777216"), "\(error)")
  }

  @Test("A WAV fmt chunk over 64 KiB is a malformed header, not an allocation")
  func wavFormatChunk() throws {
    var bytes = AudioTest.wavHeader(riffSize: 0xFFFF_FFFF, dataSize: 0)
    // The fmt chunk's size field, at byte 16: 65,540 bytes.
    bytes.replaceSubrange(16..<20, with: [0x04, 0x00, 0x01, 0x00])
    bytes += [UInt8](repeating: 0, count: 70_000)
    let result = try AudioTest.readBytes(bytes)
    for reading in [result.file, result.pipe] {
      #expect(reading.samples.isEmpty)
      guard case .malformedHeader = reading.error else {
        Issue.record("\(String(describing: reading.error))")
        continue
      }
    }
  }

  @Test("rtpstat's analyzer tracks at most its limit of streams and counts the rest")
  func analyzerStreams() throws {
    var analyzer = RTPStreamAnalyzer(limit: 8)
    for ssrc in UInt32(1)...100 {
      var bytes = B.rtp(sequence: 1)
      bytes.replaceSubrange(8..<12, with: B.u32(ssrc))
      try bytes.withUnsafeBytes { raw in
        let packet = try RTPPacket(validating: raw)
        analyzer.add(
          packet, source: Endpoint(address: .v4(IPv4Address(192, 0, 2, 1)), port: 4000),
          destination: Endpoint(address: .v4(IPv4Address(192, 0, 2, 2)), port: 5004),
          time: Int64(ssrc) * 20_000_000)
      }
    }
    #expect(analyzer.tracked.count == 8)
    #expect(analyzer.untrackedPackets == 92)
    // One packet each: none passes probation, so none is reported as a stream.
    #expect(analyzer.streams.isEmpty && analyzer.unconfirmedPackets == 8)
  }

  @Test("A jitter buffer holds at most its capacity (and one restart candidate) whatever arrives")
  func jitterBufferHeld() throws {
    let buffer = JitterBuffer(capacity: JitterBuffer.maximumCapacity)
    var ready = 0
    var dropped = 0
    // Packet 0 never arrives: everything after it waits, until the capacity forces it out.
    for sequence in UInt16(1)...30_000 {
      let bytes = B.rtp(sequence: sequence)
      try bytes.withUnsafeBytes { raw in
        try buffer.feed(raw, arrival: Int64(sequence) * 20_000_000) { event in
          switch event {
          case .ready: ready += 1
          case .dropped: dropped += 1
          default: break
          }
        }
      }
      #expect(buffer.statistics.held <= UInt64(JitterBuffer.maximumCapacity + 1))
    }
    #expect(buffer.statistics.held <= UInt64(JitterBuffer.maximumCapacity + 1))
    #expect(UInt64(ready + dropped) + buffer.statistics.held == 30_000)
  }
}
