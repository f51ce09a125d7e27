import RTPCore
import Testing

@testable import RTPGeneration
@testable import RTPPackets

@Suite("RTPSynth, the packet generator")
struct RTPSynthTests {
  static let start = RTPStreamStart(
    ssrc: 0x1122_3344, sequenceNumber: 65534, timestamp: 0xFFFF_FF00)

  /// Generates `count` packets and returns their headers.
  static func headers(_ synth: inout RTPSynth, count: Int, payloadLength: Int = 0) throws
    -> [RTPHeader]
  {
    var buffer = [UInt8](repeating: 0, count: 12 + payloadLength)
    var result: [RTPHeader] = []
    for _ in 0..<count {
      try buffer.withUnsafeMutableBytes { raw in
        let length = try synth.nextPacket(payloadType: 0, payloadLength: payloadLength, into: raw)
        #expect(length == 12 + payloadLength)
        result.append(try RTPPacket(validating: UnsafeRawBufferPointer(raw)).header)
      }
    }
    return result
  }

  @Test(
    "The timestamp step is rate × ptime / 1000",
    arguments: [
      (8000, 20, 160), (16000, 20, 320), (48000, 20, 960), (8000, 30, 240), (44100, 10, 441),
    ])
  func step(rate: Int, ptimeMilliseconds: Int, expected: UInt32) throws {
    var synth = RTPSynth(
      sampleRate: rate, packetTimeMicroseconds: ptimeMilliseconds * 1000, start: Self.start)
    let headers = try Self.headers(&synth, count: 5)
    for (previous, next) in zip(headers, headers.dropFirst()) {
      #expect(next.timestamp &- previous.timestamp == expected)
      #expect(next.sequenceNumber == previous.sequenceNumber &+ 1)
    }
  }

  @Test("A fractional step alternates and never drifts: 11025 Hz at 20 ms")
  func fractionalStep() throws {
    var synth = RTPSynth(sampleRate: 11025, packetTimeMicroseconds: 20_000, start: Self.start)
    let headers = try Self.headers(&synth, count: 101)
    let steps = zip(headers, headers.dropFirst()).map { $1.timestamp &- $0.timestamp }
    #expect(Set(steps) == [220, 221])
    #expect(headers[100].timestamp &- headers[0].timestamp == 22050)
  }

  @Test("Sequence and timestamp wrap, the SSRC holds, the marker is on the first packet only")
  func wrapAndMarker() throws {
    var synth = RTPSynth(sampleRate: 8000, packetTimeMicroseconds: 20_000, start: Self.start)
    let headers = try Self.headers(&synth, count: 4)
    #expect(headers.map(\.sequenceNumber) == [65534, 65535, 0, 1])
    #expect(headers.map(\.timestamp) == [0xFFFF_FF00, 0xFFFF_FFA0, 0x40, 0xE0])
    #expect(headers.map(\.marker) == [true, false, false, false])
    #expect(Set(headers.map(\.ssrc)) == [0x1122_3344])
  }

  @Test("setMarker marks the next packet and returns the previous setting")
  func setMarker() throws {
    var synth = RTPSynth(sampleRate: 8000, packetTimeMicroseconds: 20_000, start: Self.start)
    #expect(synth.setMarker(false) == true)
    _ = try Self.headers(&synth, count: 1)
    #expect(synth.setMarker(true) == false)
    let headers = try Self.headers(&synth, count: 2)
    #expect(headers.map(\.marker) == [true, false])
  }

  @Test("resync advances the timestamp by the elapsed time exactly once and sets the marker")
  func resync() throws {
    var synth = RTPSynth(sampleRate: 8000, packetTimeMicroseconds: 20_000, start: Self.start)
    let before = try Self.headers(&synth, count: 3)
    // 300 ms after the last packet: 2400 samples later, not 2400 + 160.
    synth.resync(elapsedNanoseconds: 300_000_000)
    let after = try Self.headers(&synth, count: 2)
    #expect(after[0].timestamp &- before[2].timestamp == 2400)
    #expect(after[0].marker)
    #expect(after[0].sequenceNumber == before[2].sequenceNumber &+ 1)
    #expect(after[1].timestamp &- after[0].timestamp == 160)
    #expect(!after[1].marker)
  }

  @Test("Calling resync twice counts the elapsed time once, the latest")
  func resyncTwice() throws {
    var synth = RTPSynth(sampleRate: 48000, packetTimeMicroseconds: 20_000, start: Self.start)
    let before = try Self.headers(&synth, count: 1)
    synth.resync(elapsedNanoseconds: 100_000_000)
    synth.resync(elapsedNanoseconds: 250_000_000)
    let after = try Self.headers(&synth, count: 1)
    #expect(after[0].timestamp &- before[0].timestamp == 12000)
  }

  @Test("resync before the first packet only sets the marker")
  func resyncFirst() throws {
    var synth = RTPSynth(sampleRate: 8000, packetTimeMicroseconds: 20_000, start: Self.start)
    synth.resync(elapsedNanoseconds: 5_000_000_000)
    let headers = try Self.headers(&synth, count: 1)
    #expect(headers[0].timestamp == Self.start.timestamp)
    #expect(headers[0].marker)
  }

  @Test("skip moves sequence and timestamp on as if packets were sent", arguments: [1, 7, 70_000])
  func skip(count: Int) throws {
    var synth = RTPSynth(sampleRate: 11025, packetTimeMicroseconds: 20_000, start: Self.start)
    var reference = synth
    _ = try Self.headers(&reference, count: count)
    synth.skip(count)
    _ = synth.setMarker(false)
    _ = reference.setMarker(false)
    let skipped = try Self.headers(&synth, count: 1)
    let stepped = try Self.headers(&reference, count: 1)
    #expect(skipped == stepped)
  }

  @Test("The same seed gives the same start; the CSPRNG gives different ones")
  func seeds() {
    #expect(RTPStreamStart.seeded(7) == RTPStreamStart.seeded(7))
    #expect(RTPStreamStart.seeded(7) != RTPStreamStart.seeded(8))
    let draws = Set((0..<8).map { _ in RTPStreamStart.random().ssrc })
    #expect(draws.count == 8)
  }

  @Test("A packet that does not fit the buffer is refused and changes nothing")
  func tooSmall() throws {
    var synth = RTPSynth(sampleRate: 8000, packetTimeMicroseconds: 20_000, start: Self.start)
    var buffer = [UInt8](repeating: 0, count: 100)
    _ = buffer.withUnsafeMutableBytes { raw in
      #expect(throws: RTPSerializationError.bufferTooSmall(needed: 172, available: 100)) {
        try synth.nextPacket(payloadType: 0, payloadLength: 160, into: raw)
      }
    }
    #expect(synth.sequenceNumber == Self.start.sequenceNumber)
  }

  @Test("The array form copies the payload behind the header")
  func arrayForm() throws {
    var synth = RTPSynth(sampleRate: 8000, packetTimeMicroseconds: 20_000, start: Self.start)
    let packet = try synth.nextPacket(payloadType: 8, payload: [1, 2, 3])
    try packet.withUnsafeBytes { raw in
      let parsed = try RTPPacket(validating: raw)
      #expect(parsed.payloadType == 8)
      #expect(Array(parsed.payload) == [1, 2, 3])
    }
  }
}
