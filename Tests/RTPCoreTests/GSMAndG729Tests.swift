import Foundation
import Testing

@testable import RTPCodecs

/// GSM 06.10 (libgsm) and G.729A with Annex B (bcg729): each encoder through its decoder, the
/// frame rules of RFC 3551, corrupt payloads and concealment.
@Suite("GSM and G.729 through libgsm and bcg729")
struct GSMAndG729Tests {
  static let gsm = PayloadFormat(staticPayloadType: 3)!
  static let g729 = PayloadFormat(staticPayloadType: 18)!

  /// The share of `samples`' power at `hertz` (8000 Hz audio), from a Goertzel filter over
  /// the whole block: 1 for a pure tone of that frequency, about 0 for one far from it.
  static func toneShare(_ samples: ArraySlice<Int16>, hertz: Double) -> Double {
    let omega = 2 * Double.pi * hertz / 8000
    let coefficient = 2 * cos(omega)
    var previous = 0.0
    var older = 0.0
    var total = 0.0
    for sample in samples {
      let value = Double(sample)
      total += value * value
      let current = value + coefficient * previous - older
      older = previous
      previous = current
    }
    let power = previous * previous + older * older - coefficient * previous * older
    // A sine of amplitude A over N samples gives power (A N / 2)², and total power A² N / 2.
    return total > 0 ? 2 * power / (Double(samples.count) * total) : 0
  }

  @Test("The static payload types 3 and 18 are GSM and G.729 at 8000 Hz, both ways")
  func registered() throws {
    for format in [Self.gsm, Self.g729] {
      #expect(format.clockRate == 8000)
      #expect(CodecRegistry.role(of: format) == .audio)
      let decoder = try CodecRegistry.makeDecoder(for: format)
      let encoder = try CodecRegistry.makeEncoder(for: format)
      #expect(decoder.sampleRate == 8000 && encoder.sampleRate == 8000)
      #expect(decoder.concealsLoss)
    }
    #expect(try CodecRegistry.makeEncoder(for: Self.gsm).frameSize == 160)
    #expect(try CodecRegistry.makeEncoder(for: Self.g729).frameSize == 80)
    for text in ["GSM/16000", "GSM/8000/2", "G729/16000"] {
      #expect(throws: CodecError.self) {
        try CodecRegistry.makeDecoder(for: try PayloadFormat(parsing: text))
      }
      #expect(throws: CodecError.self) {
        try CodecRegistry.makeEncoder(for: try PayloadFormat(parsing: text))
      }
    }
  }

  @Test(
    "GSM gives back a 1 kHz tone in 33-byte frames: 99 % of the power at 1 kHz, level within 1 dB, SNR above 30 dB",
    arguments: [1, 2, 3])
  func gsmTone(framesPerPacket: Int) throws {
    let samples = EncoderTests.tone(hertz: 1000, rate: 8000, frames: 8000)
    let packetFrames = 160 * framesPerPacket
    let (payloads, decoded) = try EncoderTests.roundTrip(
      Self.gsm, samples, packetFrames: packetFrames)
    #expect(payloads.count == 8000 / packetFrames)
    #expect(payloads.allSatisfy { $0.count == 33 * framesPerPacket })
    #expect(payloads.allSatisfy { $0[0] >> 4 == 0xD && $0[33 * (framesPerPacket - 1)] >> 4 == 0xD })
    #expect(decoded.count == payloads.count * packetFrames)
    let settled = decoded[800...]
    #expect(Self.toneShare(settled, hertz: 1000) > 0.99)
    #expect(Self.toneShare(settled, hertz: 1500) < 0.01)
    let level = 20 * log10(EncoderTests.rms(settled) / (8192 / 2.0.squareRoot()))
    #expect(abs(level) < 1, "level \(level) dB")
    let snr = EncoderTests.snr(Array(samples[800...]), Array(settled), maximumDelay: 0)
    #expect(snr > 30, "SNR \(snr) dB")
  }

  @Test(
    "G.729 gives back a 1 kHz tone in 10-byte frames: 99 % of the power at 1 kHz, level within 1 dB, SNR above 9 dB",
    arguments: [1, 2, 4])
  func g729Tone(framesPerPacket: Int) throws {
    let samples = EncoderTests.tone(hertz: 1000, rate: 8000, frames: 8000)
    let packetFrames = 80 * framesPerPacket
    let (payloads, decoded) = try EncoderTests.roundTrip(
      Self.g729, samples, packetFrames: packetFrames)
    #expect(payloads.count == 8000 / packetFrames)
    #expect(payloads.allSatisfy { $0.count == 10 * framesPerPacket })
    #expect(decoded.count == 8000)
    let settled = decoded[800...]
    #expect(Self.toneShare(settled, hertz: 1000) > 0.99)
    #expect(Self.toneShare(settled, hertz: 1500) < 0.01)
    let level = 20 * log10(EncoderTests.rms(settled) / (8192 / 2.0.squareRoot()))
    #expect(abs(level) < 1, "level \(level) dB")
    let snr = EncoderTests.snr(Array(samples[800...]), Array(settled), maximumDelay: 0)
    #expect(snr > 9, "SNR \(snr) dB")
  }

  /// Decodes `good`, then `bad` (which must throw), then `good` again, and returns the last
  /// decode: a decoder whose state the corrupt payload left alone gives what a decoder that
  /// never saw it gives.
  static func afterCorrupt(_ format: PayloadFormat, good: [UInt8], bad: [UInt8]?) throws
    -> [Int16]
  {
    let decoder = try CodecRegistry.makeDecoder(for: format)
    _ = try CodecTests.decode(decoder, good)
    if let bad {
      #expect(throws: CodecError.self) { try CodecTests.decode(decoder, bad) }
    }
    return try CodecTests.decode(decoder, good)
  }

  static func encoded(_ format: PayloadFormat, frames: Int) throws -> [UInt8] {
    let samples = EncoderTests.tone(hertz: 600, rate: 8000, frames: frames)
    return try EncoderTests.roundTrip(format, samples, packetFrames: frames).payloads[0]
  }

  @Test(
    "A GSM payload not a multiple of 33 bytes, or a frame without the 0xD signature, is corrupt and leaves the decoder as it was",
    arguments: ["empty", "32 bytes", "34 bytes", "65 bytes", "first frame 0xC", "second frame 0x0"])
  func gsmCorrupt(kind: String) throws {
    let good = try Self.encoded(Self.gsm, frames: 320)
    var bad: [UInt8]
    switch kind {
    case "empty": bad = []
    case "32 bytes": bad = Array(good.prefix(32))
    case "34 bytes": bad = Array(good.prefix(34))
    case "65 bytes": bad = Array(good.prefix(65))
    case "first frame 0xC":
      bad = good
      bad[0] = 0xC0 | (bad[0] & 0x0F)
    default:
      bad = good
      bad[33] = bad[33] & 0x0F
    }
    let clean = try Self.afterCorrupt(Self.gsm, good: good, bad: nil)
    #expect(try Self.afterCorrupt(Self.gsm, good: good, bad: bad) == clean)
  }

  @Test(
    "A G.729 payload other than 10-byte frames and one 2-byte SID is corrupt and leaves the decoder as it was",
    arguments: [0, 1, 5, 9, 11, 13, 19, 21, 24])
  func g729Corrupt(length: Int) throws {
    let good = try Self.encoded(Self.g729, frames: 240)
    let bad = Array((good + good).prefix(length))
    let clean = try Self.afterCorrupt(Self.g729, good: good, bad: nil)
    #expect(try Self.afterCorrupt(Self.g729, good: good, bad: bad) == clean)
  }

  /// Three seconds of faint noise (RMS about 18, -65 dBov), well below speech, as a quiet room
  /// gives.
  static func faintNoise() -> [Int16] {
    var noise = [Int16](repeating: 0, count: 24000)
    var seed: UInt32 = 1
    for index in noise.indices {
      seed = seed &* 1_103_515_245 &+ 12345
      noise[index] = Int16(Int(seed >> 16) % 61 - 30)
    }
    return noise
  }

  @Test("A G.729 SID ends a payload and decodes to one frame of quiet noise; annexb=no refuses it")
  func g729SID() throws {
    let decoder = try CodecRegistry.makeDecoder(for: Self.g729)
    let speech = try Self.encoded(Self.g729, frames: 160)
    // A SID bcg729's encoder made for the faint noise.
    let (payloads, _) = try EncoderTests.roundTrip(
      Self.g729, Self.faintNoise(), packetFrames: 160,
      settings: EncoderSettings(discontinuousTransmission: true))
    let sid = try #require(payloads.last { $0.count == 2 })
    let decoded = try CodecTests.decode(decoder, speech + sid)
    #expect(decoded.count == 240)
    #expect(try CodecTests.decode(decoder, sid).count == 80)
    let noise = try CodecTests.decode(decoder, sid)
    #expect(noise.contains { $0 != 0 })
    // Noise of about the level the encoder heard, not speech.
    #expect(EncoderTests.rms(noise[...]) < 200, "RMS \(EncoderTests.rms(noise[...]))")
    let strict = try CodecRegistry.makeDecoder(
      for: try PayloadFormat(parsing: "G729/8000;annexb=no"))
    #expect(try CodecTests.decode(strict, speech).count == 160)
    #expect(throws: CodecError.self) { try CodecTests.decode(strict, speech + sid) }
  }

  /// `frames` of concealment after a second of 1 kHz tone, asked for in pieces of `piece`.
  static func concealed(_ format: PayloadFormat, frames: Int, piece: Int) throws -> [Int16] {
    let decoder = try CodecRegistry.makeDecoder(for: format)
    let samples = EncoderTests.tone(hertz: 1000, rate: 8000, frames: 8000)
    _ = try EncoderTests.roundTrip(format, samples, packetFrames: 160)
    let encoder = try CodecRegistry.makeEncoder(for: format)
    var payload = [UInt8](repeating: 0, count: encoder.maximumPayloadBytes(frames: 160))
    var start = 0
    while start + 160 <= samples.count {
      let length = try samples[start..<(start + 160)].withUnsafeBufferPointer { input in
        try payload.withUnsafeMutableBytes { try encoder.encode(input, into: $0) }
      }
      _ = try CodecTests.decode(decoder, Array(payload.prefix(length)))
      start += 160
    }
    var output = [Int16](repeating: 0, count: frames)
    var done = 0
    while done < frames {
      let step = min(piece, frames - done)
      let made = output.withUnsafeMutableBufferPointer { buffer in
        decoder.conceal(
          frames: step, next: nil,
          into: UnsafeMutableBufferPointer(rebasing: buffer[done..<(done + step)]))
      }
      #expect(made == step)
      done += step
    }
    return output
  }

  @Test("GSM conceals a loss by repeating the last frame, fading to silence after 100 ms")
  func gsmConcealment() throws {
    let whole = try Self.concealed(Self.gsm, frames: 1600, piece: 160)
    // The first 20 ms continue the tone at its level, the next quieter, then silence.
    #expect(Self.toneShare(whole[0..<160], hertz: 1000) > 0.9)
    let first = EncoderTests.rms(whole[0..<160])
    #expect(first > 3000)
    #expect(EncoderTests.rms(whole[480..<640]) < first * 0.4)
    #expect(whole[800...].allSatisfy { $0 == 0 })
    // Odd pieces give the same audio.
    #expect(try Self.concealed(Self.gsm, frames: 1600, piece: 37) == whole)
  }

  @Test("G.729 conceals a loss with bcg729's frame erasure, in any piece size")
  func g729Concealment() throws {
    let whole = try Self.concealed(Self.g729, frames: 800, piece: 160)
    // The first 10 ms continue the tone; bcg729 then attenuates.
    #expect(Self.toneShare(whole[0..<80], hertz: 1000) > 0.8)
    let first = EncoderTests.rms(whole[0..<80])
    #expect(first > 3000)
    #expect(EncoderTests.rms(whole[240..<800]) < first / 4)
    #expect(try Self.concealed(Self.g729, frames: 800, piece: 50) == whole)
  }

  @Test(
    "G.729 with DTX sends SID frames or nothing for silence; without DTX or with annexb=no, speech frames"
  )
  func g729DTX() throws {
    let silence = Self.faintNoise()
    let dtx = EncoderSettings(discontinuousTransmission: true)
    let (payloads, _) = try EncoderTests.roundTrip(
      Self.g729, silence, packetFrames: 160, settings: dtx)
    #expect(payloads.count == 150)
    #expect(payloads.allSatisfy { [0, 2, 10, 12, 20].contains($0.count) })
    // bcg729's VAD takes its first second or so to learn the noise; then the packets are
    // SIDs or nothing.
    let quiet = payloads.suffix(75)
    #expect(quiet.allSatisfy { $0.count <= 2 }, "\(quiet.map(\.count))")
    #expect(quiet.contains { $0.isEmpty })
    #expect(payloads.contains { $0.count % 10 == 2 })
    for (text, settings) in [
      ("G729/8000", EncoderSettings()), ("G729/8000;annexb=no", dtx),
    ] {
      let format = try PayloadFormat(parsing: text)
      let (all, _) = try EncoderTests.roundTrip(
        format, silence, packetFrames: 160, settings: settings)
      #expect(all.allSatisfy { $0.count == 20 }, "\(text)")
    }
  }

  @Test("Encoders refuse packets that are not whole codec frames")
  func packetFrames() throws {
    let gsm = try CodecRegistry.makeEncoder(for: Self.gsm)
    #expect(gsm.problem(packetFrames: 160) == nil && gsm.problem(packetFrames: 480) == nil)
    #expect(gsm.problem(packetFrames: 80) != nil && gsm.problem(packetFrames: 0) != nil)
    #expect(gsm.maximumPayloadBytes(frames: 320) == 66)
    let g729 = try CodecRegistry.makeEncoder(for: Self.g729)
    #expect(g729.problem(packetFrames: 80) == nil && g729.problem(packetFrames: 240) == nil)
    #expect(g729.problem(packetFrames: 120) != nil && g729.problem(packetFrames: 0) != nil)
    #expect(g729.maximumPayloadBytes(frames: 160) == 20)
  }
}
