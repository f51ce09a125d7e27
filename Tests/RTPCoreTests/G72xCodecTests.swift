import Foundation
import Testing

@testable import RTPCodecs

/// G.722 and G.726 through spandsp: tones through encoder and decoder at each rate, RFC 3551's
/// packing of G.726 codewords (and the AAL2 order), payload lengths the formats cannot hold,
/// concealment and reset.
@Suite("G.722 and G.726 (spandsp)")
struct G72xCodecTests {
  static func format(_ text: String) throws -> PayloadFormat { try PayloadFormat(parsing: text) }

  /// Unpacks `payload` into `bits`-bit codewords, from each octet's least significant bit up
  /// (RFC 3551 §4.5.4) or from its most significant bit down (AAL2).
  static func codewords(_ payload: [UInt8], bits: Int, mostSignificantFirst: Bool) -> [Int] {
    var codes: [Int] = []
    var accumulator = 0
    var held = 0
    for byte in payload {
      if mostSignificantFirst {
        accumulator = accumulator << 8 | Int(byte)
        held += 8
        while held >= bits {
          codes.append(accumulator >> (held - bits) & (1 << bits - 1))
          held -= bits
        }
        accumulator &= (1 << held) - 1
      } else {
        accumulator |= Int(byte) << held
        held += 8
        while held >= bits {
          codes.append(accumulator & (1 << bits - 1))
          accumulator >>= bits
          held -= bits
        }
      }
    }
    return codes
  }

  @Test(
    "A tone through each encoder and decoder: packet sizes, length and SNR",
    arguments: [
      // Name, 20 ms of samples, payload bytes, SNR bound in dB; measured for this tone 47.3
      // (G.722), 23.2, 27.3, 36.0 and 41.7 (G.726-16 to -40).
      ("G722/8000", 320, 160, 44.0),
      ("G726-16/8000", 160, 40, 21.0), ("G726-24/8000", 160, 60, 25.0),
      ("G726-32/8000", 160, 80, 34.0), ("G726-40/8000", 160, 100, 39.5),
      ("AAL2-G726-32/8000", 160, 80, 34.0),
    ])
  func toneRoundTrip(text: String, packetFrames: Int, payloadBytes: Int, bound: Double) throws {
    let format = try Self.format(text)
    let rate = packetFrames * 50
    let samples = EncoderTests.tone(hertz: 1000, rate: rate, frames: rate / 2)
    let (payloads, decoded) = try EncoderTests.roundTrip(
      format, samples, packetFrames: packetFrames)
    #expect(payloads.count == 25)
    #expect(payloads.allSatisfy { $0.count == payloadBytes })
    #expect(decoded.count == samples.count)
    // G.722's QMF filters delay the audio by 22 samples; G.726 has no delay.
    let snr = EncoderTests.snr(
      Array(samples[(rate / 10)...]), Array(decoded[(rate / 10)...]), maximumDelay: 30)
    #expect(snr > bound, "\(text): \(snr) dB")
    #expect(snr < bound + 8, "\(text): \(snr) dB is better than ADPCM at this rate can be")
  }

  @Test(
    "RFC 3551 packs G.726 codewords from the low bits; the AAL2 names pack the same codes high first",
    arguments: [16, 24, 32, 40])
  func packing(rate: Int) throws {
    let bits = rate / 8
    let samples = EncoderTests.tone(hertz: 700, rate: 8000, frames: 800)
    let (rfc, _) = try EncoderTests.roundTrip(
      try Self.format("G726-\(rate)/8000"), samples, packetFrames: 160)
    let (aal2, _) = try EncoderTests.roundTrip(
      try Self.format("AAL2-G726-\(rate)/8000"), samples, packetFrames: 160)
    let low = Self.codewords(rfc.flatMap { $0 }, bits: bits, mostSignificantFirst: false)
    let high = Self.codewords(aal2.flatMap { $0 }, bits: bits, mostSignificantFirst: true)
    #expect(low.count == 800)
    #expect(low == high)
    #expect(rfc != aal2)
  }

  @Test("The first G.726-32 codeword of a loud step is 7 (largest positive), in the low nibble")
  func packingKnownAnswer() throws {
    // A step from 0 to +16000 quantizes to I = 0111 (the sign bit clear, the largest magnitude);
    // the drop back to 0 that follows is negative (sign bit set).
    let step: [Int16] = [16000, 0]
    let (rfc, _) = try EncoderTests.roundTrip(
      try Self.format("G726-32/8000"), step, packetFrames: 2)
    let (aal2, _) = try EncoderTests.roundTrip(
      try Self.format("AAL2-G726-32/8000"), step, packetFrames: 2)
    #expect(rfc.first?.first.map { $0 & 0x0F } == 7)
    #expect(rfc.first?.first.map { $0 >> 4 & 0x08 } == 0x08)
    #expect(aal2.first?.first.map { $0 >> 4 } == 7)
  }

  @Test(
    "A G.726 payload that is not whole codewords is corrupt and leaves the decoder as it was",
    arguments: [("G726-24/8000", 4, 60), ("G726-40/8000", 6, 100), ("AAL2-G726-40/8000", 7, 100)])
  func partialCodewords(text: String, badLength: Int, goodLength: Int) throws {
    let format = try Self.format(text)
    let samples = EncoderTests.tone(hertz: 440, rate: 8000, frames: 320)
    let (payloads, _) = try EncoderTests.roundTrip(format, samples, packetFrames: 160)
    #expect(payloads.map(\.count) == [goodLength, goodLength])
    let clean = try CodecRegistry.makeDecoder(for: format)
    let interrupted = try CodecRegistry.makeDecoder(for: format)
    let first = try CodecTests.decode(clean, payloads[0])
    #expect(try CodecTests.decode(interrupted, payloads[0]) == first)
    #expect(throws: CodecError.self) {
      try CodecTests.decode(interrupted, Array(payloads[1].prefix(badLength)))
    }
    #expect(throws: CodecError.self) { try CodecTests.decode(interrupted, []) }
    #expect(
      try CodecTests.decode(interrupted, payloads[1]) == CodecTests.decode(clean, payloads[1]))
  }

  @Test(
    "Payloads of any length at G.722 and at 16 and 32 kbit/s decode two, four or two samples an octet",
    arguments: [("G722/8000", 2), ("G726-16/8000", 4), ("G726-32/8000", 2)])
  func anyLength(text: String, samplesPerOctet: Int) throws {
    let decoder = try CodecRegistry.makeDecoder(for: try Self.format(text))
    for length in [1, 3, 7, 161] {
      let payload = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 37) }
      #expect(try CodecTests.decode(decoder, payload).count == length * samplesPerOctet)
    }
    #expect(throws: CodecError.self) { try CodecTests.decode(decoder, []) }
  }

  @Test("G.722 decodes 16 kHz audio on its 8000 Hz clock: two frames a tick")
  func g722Clock() throws {
    let decoder = try CodecRegistry.makeDecoder(for: PayloadFormat(staticPayloadType: 9)!)
    #expect(decoder.sampleRate == 16000)
    #expect(decoder.framesPerTick == 2)
    let encoder = try CodecRegistry.makeEncoder(for: PayloadFormat(staticPayloadType: 9)!)
    #expect(encoder.framesPerTick == 2)
    #expect(encoder.frameSize == 2)
    #expect(encoder.problem(packetFrames: 320) == nil)
    #expect(encoder.problem(packetFrames: 321) != nil)
    #expect(encoder.maximumPayloadBytes(frames: 320) == 160)
  }

  @Test(
    "G.726 encoders take packets of whole octets only",
    arguments: [(16, 4), (24, 8), (32, 2), (40, 8)])
  func g726FrameSize(rate: Int, frameSize: Int) throws {
    let encoder = try CodecRegistry.makeEncoder(for: try Self.format("G726-\(rate)/8000"))
    #expect(encoder.frameSize == frameSize)
    #expect(encoder.problem(packetFrames: frameSize * 20) == nil)
    #expect(encoder.problem(packetFrames: frameSize * 20 + 1) != nil)
    #expect(encoder.maximumPayloadBytes(frames: 160) == 160 * rate / 64)
  }

  @Test(
    "Mappings G.722 and G.726 cannot take are refused",
    arguments: ["G722/16000", "G722/8000/2", "G726-32/16000", "G726-48/8000", "G726/8000"])
  func refused(text: String) throws {
    let format = try Self.format(text)
    #expect(throws: CodecError.self) { try CodecRegistry.makeDecoder(for: format) }
    #expect(throws: CodecError.self) { try CodecRegistry.makeEncoder(for: format) }
  }

  @Test("A bit rate other than the encoding name's is refused; the name's own is taken")
  func bitRates() throws {
    let g726 = try Self.format("G726-24/8000")
    #expect(throws: CodecError.self) {
      try CodecRegistry.makeEncoder(for: g726, settings: EncoderSettings(bitrate: 32000))
    }
    _ = try CodecRegistry.makeEncoder(for: g726, settings: EncoderSettings(bitrate: 24000))
    let g722 = PayloadFormat(staticPayloadType: 9)!
    #expect(throws: CodecError.self) {
      try CodecRegistry.makeEncoder(for: g722, settings: EncoderSettings(bitrate: 56000))
    }
  }

  @Test(
    "Losses are concealed with audio continuing the tone; reset decodes as a new decoder",
    arguments: ["G722/8000", "G726-32/8000"])
  func concealAndReset(text: String) throws {
    let format = try Self.format(text)
    let decoder = try CodecRegistry.makeDecoder(for: format)
    #expect(decoder.concealsLoss)
    let rate = decoder.sampleRate
    let samples = EncoderTests.tone(hertz: 500, rate: rate, frames: rate / 10)
    let (payloads, _) = try EncoderTests.roundTrip(format, samples, packetFrames: rate / 50)
    let first = try CodecTests.decode(decoder, payloads[0])
    _ = try CodecTests.decode(decoder, payloads[1])
    var concealed = [Int16](repeating: 0, count: rate / 50)
    let made = concealed.withUnsafeMutableBufferPointer {
      decoder.conceal(frames: rate / 50, next: nil, into: $0)
    }
    #expect(made == rate / 50)
    #expect(EncoderTests.rms(concealed) > 1000, "concealment is near silence")
    decoder.reset()
    #expect(try CodecTests.decode(decoder, payloads[0]) == first)
  }
}
