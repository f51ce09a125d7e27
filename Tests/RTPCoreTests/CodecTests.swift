import Testing

@testable import RTPBase
@testable import RTPCodecs

@Suite("The codec layer's own decoders")
struct CodecTests {
  static func decode(_ decoder: any AudioDecoder, _ payload: [UInt8]) throws -> [Int16] {
    var output = [Int16](
      repeating: 0, count: decoder.maximumFrames(payloadBytes: payload.count) * decoder.channels)
    let frames = try payload.withUnsafeBytes { bytes in
      try output.withUnsafeMutableBufferPointer { try decoder.decode(bytes, into: $0) }
    }
    return Array(output.prefix(frames * decoder.channels))
  }

  @Test("DVI4 decodes its state header and high nibble first (IMA steps by hand)")
  func dvi4KnownAnswer() throws {
    let decoder = try CodecRegistry.makeDecoder(for: PayloadFormat(staticPayloadType: 5)!)
    // Predicted 0, index 0. Code 7: step 7 → 7>>3 + 7 + 3 + 1 = 11, index 8 (step 16).
    // Code 0: 16>>3 = 2 → 13, index 7. Code 8 + 4 = 12 at step 14: -(1 + 14) → -2, index 11.
    // Code 0 at step 21: +2 → 0.
    #expect(try Self.decode(decoder, [0, 0, 0, 0, 0x70, 0xC0]) == [11, 13, -2, 0])
    // The header carries the state: predicted 1000 (0x03E8), index 20 (step 50).
    // Code 1: 50>>3 + 50>>2 = 6 + 12 = 18 → 1018.
    #expect(try Self.decode(decoder, [0x03, 0xE8, 20, 0, 0x10]).first == 1018)
  }

  @Test("A DVI4 payload without its header, or with an index past the table, is corrupt")
  func dvi4Corrupt() throws {
    let decoder = try CodecRegistry.makeDecoder(for: PayloadFormat(staticPayloadType: 5)!)
    #expect(throws: CodecError.self) { try Self.decode(decoder, [0, 0, 0]) }
    #expect(throws: CodecError.self) { try Self.decode(decoder, [0, 0, 89, 0, 0x11]) }
  }

  @Test("L24 keeps its top 16 bits, rounded")
  func linear24() throws {
    let format = try PayloadFormat(parsing: "L24/48000")
    let decoder = try CodecRegistry.makeDecoder(for: format)
    #expect(try Self.decode(decoder, [0x12, 0x34, 0x80, 0xFF, 0xFF, 0x00]) == [0x1235, -1])
  }

  @Test(
    "Formats without a decoder are refused by name",
    arguments: ["iLBC/8000", "G723/8000", "telephone-event/8000", "CN/8000", "H264/90000"])
  func unsupported(text: String) throws {
    let format = try PayloadFormat(parsing: text)
    #expect(throws: CodecError.self) { try CodecRegistry.makeDecoder(for: format) }
  }

  @Test("Opus's clock is 48000 whatever the mapping says")
  func opusClock() throws {
    #expect(throws: CodecError.self) {
      try CodecRegistry.makeDecoder(for: try PayloadFormat(parsing: "opus/8000"))
    }
    let stereo = try CodecRegistry.makeDecoder(
      for: try PayloadFormat(parsing: "opus/48000/2;sprop-stereo=1"))
    #expect(stereo.channels == 2)
  }

  @Test("Repeated end reports make one event; an event without its end still ends")
  func eventTracker() {
    var tracker = TelephoneEventTracker()
    let start = CaptureTime.epoch
    for duration: UInt16 in [160, 320] {
      tracker.observe(
        TelephoneEvent(code: 11, isEnd: false, volume: 10, duration: duration), timestamp: 100,
        arrival: start)
    }
    for _ in 0..<3 {
      tracker.observe(
        TelephoneEvent(code: 11, isEnd: true, volume: 10, duration: 480), timestamp: 100,
        arrival: start)
    }
    tracker.observe(
      TelephoneEvent(code: 3, isEnd: false, volume: 10, duration: 160), timestamp: 2000,
      arrival: start)
    tracker.finish()
    #expect(tracker.events.map(\.symbol) == ["#", "3"])
    #expect(tracker.events.map(\.duration) == [480, 160])
    #expect(tracker.events.map(\.ended) == [true, false])
    #expect(tracker.repeatedReports == 2)
  }

  @Test("Comfort noise has the RMS its level in -dBov says")
  func comfortNoiseLevel() {
    var noise = ComfortNoise()
    noise.setLevel(30)
    var samples = [Int16](repeating: 0, count: 48000)
    samples.withUnsafeMutableBufferPointer { noise.fill($0, frames: 48000, channels: 1) }
    let rms = (samples.reduce(0.0) { $0 + Double($1) * Double($1) } / 48000).squareRoot()
    // 32767 × 10^(-30/20) = 1036.
    #expect(abs(rms - 1036) < 30, "RMS \(rms)")
    noise.setLevel(127)
    samples.withUnsafeMutableBufferPointer { noise.fill($0, frames: 48000, channels: 1) }
    #expect(samples.allSatisfy { $0 == 0 })
  }
}
