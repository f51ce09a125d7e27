import Testing

@testable import RTPCodecs

@Suite("Speex (RFC 5574) through libspeex")
struct SpeexTests {
  @Test(
    "Narrowband, wideband and ultra-wideband give a tone back at its frequency and level",
    arguments: [(8000, 160), (16000, 320), (32000, 640)])
  func tone(rate: Int, frameSize: Int) throws {
    let format = try PayloadFormat(parsing: "speex/\(rate)")
    let samples = EncoderTests.tone(hertz: 1000, rate: rate, frames: rate)
    let encoder = try CodecRegistry.makeEncoder(for: format)
    #expect(encoder.frameSize == frameSize)
    let (payloads, decoded) = try EncoderTests.roundTrip(format, samples, packetFrames: frameSize)
    #expect(payloads.count == 50)
    // Quality 8: 15 kbit/s narrowband (38 bytes a frame) and more for the wider bands.
    #expect(payloads.allSatisfy { $0.count >= 38 && $0.count <= 128 })
    #expect(decoded.count == rate)
    let tail = decoded[(rate / 4)...]
    let crossings = EncoderTests.crossingsPerSecond(tail, rate: rate)
    #expect(abs(crossings - 2000) < 60, "\(rate) Hz: \(crossings) crossings a second")
    // A quarter of full scale: RMS 8192 / √2.
    let level = EncoderTests.rms(tail)
    #expect(abs(level - 5793) < 900, "\(rate) Hz: RMS \(level)")
  }

  @Test("Three frames in one payload decode to three frames; the bit rate sets the size")
  func framesPerPacket() throws {
    let format = try PayloadFormat(parsing: "speex/8000")
    let samples = EncoderTests.tone(hertz: 440, rate: 8000, frames: 8000)
    let (payloads, decoded) = try EncoderTests.roundTrip(
      format, samples, packetFrames: 480, settings: EncoderSettings(bitrate: 8000))
    #expect(payloads.count == 16)
    // 8 kbit/s: 160 bits a frame, 60 bytes for three.
    #expect(payloads.allSatisfy { $0.count == 60 }, "\(payloads.map(\.count))")
    #expect(decoded.count == 16 * 480)
    let encoder = try CodecRegistry.makeEncoder(for: format)
    #expect(encoder.problem(packetFrames: 400) != nil)
  }

  @Test("With DTX, silence sends nothing and talk is sent")
  func discontinuous() throws {
    let format = try PayloadFormat(parsing: "speex/8000")
    let talk = EncoderTests.tone(hertz: 440, rate: 8000, frames: 4000)
    let samples = talk + [Int16](repeating: 0, count: 8000) + talk
    let (payloads, _) = try EncoderTests.roundTrip(
      format, samples, packetFrames: 160,
      settings: EncoderSettings(discontinuousTransmission: true))
    #expect(payloads.count == 100)
    let silent = payloads[30..<75].filter { $0.isEmpty }.count
    #expect(silent > 30, "\(payloads.map(\.count))")
    #expect(payloads[0..<20].allSatisfy { !$0.isEmpty })
    #expect(payloads[80...].allSatisfy { !$0.isEmpty })
  }

  @Test("A loss is concealed by libspeex, an empty payload is corrupt, odd formats refused")
  func lossAndRefusals() throws {
    let format = try PayloadFormat(parsing: "speex/16000")
    let decoder = try CodecRegistry.makeDecoder(for: format)
    #expect(decoder.concealsLoss)
    let samples = EncoderTests.tone(hertz: 440, rate: 16000, frames: 3200)
    let (payloads, _) = try EncoderTests.roundTrip(format, samples, packetFrames: 320)
    for payload in payloads.prefix(5) { _ = try CodecTests.decode(decoder, payload) }
    var concealed = [Int16](repeating: 0, count: 500)
    let made = concealed.withUnsafeMutableBufferPointer {
      decoder.conceal(frames: 500, next: nil, into: $0)
    }
    #expect(made == 500)
    #expect(EncoderTests.rms(concealed[...]) > 100)
    #expect(throws: CodecError.self) { try CodecTests.decode(decoder, []) }
    for text in ["speex/44100", "speex/8000/2"] {
      #expect(throws: CodecError.self) {
        try CodecRegistry.makeDecoder(for: PayloadFormat(parsing: text))
      }
    }
    #expect(throws: CodecError.self) {
      try CodecRegistry.makeEncoder(for: format, settings: EncoderSettings(bitrate: 64000))
    }
  }
}
