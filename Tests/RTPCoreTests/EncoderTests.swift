import Foundation
import Testing

@testable import RTPCodecs

/// Encoders through their decoders: what each gives back of a tone, sample for sample where the
/// codec is lossless and as a signal-to-noise ratio where it is not.
@Suite("The codec layer's encoders, through its decoders")
struct EncoderTests {
  /// A sine of `hertz` at `rate`, `frames` frames of `channels` channels (the same in each), at
  /// a quarter of full scale.
  static func tone(hertz: Double, rate: Int, frames: Int, channels: Int = 1) -> [Int16] {
    var samples: [Int16] = []
    samples.reserveCapacity(frames * channels)
    for frame in 0..<frames {
      let value = Int16(
        (8192 * sin(2 * Double.pi * hertz * Double(frame) / Double(rate))).rounded())
      for _ in 0..<channels { samples.append(value) }
    }
    return samples
  }

  /// `samples` encoded in packets of `packetFrames` frames and each packet decoded: the
  /// payloads and the decoded audio.
  static func roundTrip(
    _ format: PayloadFormat, _ samples: [Int16], packetFrames: Int,
    settings: EncoderSettings = EncoderSettings()
  ) throws -> (payloads: [[UInt8]], decoded: [Int16]) {
    let encoder = try CodecRegistry.makeEncoder(for: format, settings: settings)
    let decoder = try CodecRegistry.makeDecoder(for: format)
    #expect(encoder.problem(packetFrames: packetFrames) == nil)
    let step = packetFrames * encoder.channels
    var payloads: [[UInt8]] = []
    var decoded: [Int16] = []
    var buffer = [UInt8](repeating: 0, count: encoder.maximumPayloadBytes(frames: packetFrames))
    var start = 0
    while start + step <= samples.count {
      let length = try samples[start..<(start + step)].withUnsafeBufferPointer { input in
        try buffer.withUnsafeMutableBytes { try encoder.encode(input, into: $0) }
      }
      let payload = Array(buffer.prefix(length))
      payloads.append(payload)
      if length > 0 { decoded += try CodecTests.decode(decoder, payload) }
      start += step
    }
    return (payloads, decoded)
  }

  /// The RMS of `samples`, 0 for none.
  static func rms(_ samples: some Collection<Int16>) -> Double {
    let sum = samples.reduce(0.0) { $0 + Double($1) * Double($1) }
    return (sum / Double(max(samples.count, 1))).squareRoot()
  }

  /// Sign changes per second of `samples` at `rate`: twice a tone's frequency.
  static func crossingsPerSecond(_ samples: some Collection<Int16>, rate: Int) -> Double {
    var crossings = 0
    var previous = samples.first ?? 0
    for sample in samples.dropFirst() {
      if (previous < 0) != (sample < 0) { crossings += 1 }
      previous = sample
    }
    return Double(crossings) * Double(rate) / Double(max(samples.count, 1))
  }

  /// The signal-to-noise ratio in dB of `decoded` against `reference`, `decoded` shifted by
  /// the delay (0 to `maximumDelay` samples) that makes it best.
  static func snr(_ reference: [Int16], _ decoded: [Int16], maximumDelay: Int = 0) -> Double {
    var best = -Double.infinity
    for delay in 0...maximumDelay {
      let count = min(reference.count, decoded.count - delay)
      guard count > 0 else { break }
      var signal = 0.0
      var noise = 0.0
      for index in 0..<count {
        let wanted = Double(reference[index])
        signal += wanted * wanted
        let error = wanted - Double(decoded[index + delay])
        noise += error * error
      }
      best = max(best, 10 * log10(signal / max(noise, 1e-9)))
    }
    return best
  }

  @Test(
    "G.711 and linear PCM give back what their decoders read",
    arguments: ["PCMU/8000", "PCMA/8000", "L16/16000/2", "L24/48000"])
  func lossless(text: String) throws {
    let format = try PayloadFormat(parsing: text)
    let samples = Self.tone(
      hertz: 440, rate: format.clockRate, frames: format.clockRate / 10, channels: format.channels)
    let (payloads, decoded) = try Self.roundTrip(
      format, samples, packetFrames: format.clockRate / 50)
    #expect(payloads.count == 5)
    if format.matches("pcmu") || format.matches("pcma") {
      #expect(payloads[0].count == 160)
      #expect(Self.snr(samples, decoded) > 35)
    } else {
      #expect(decoded == samples)
    }
  }

  @Test("L16 is written in network byte order")
  func linear16Order() throws {
    let encoder = try CodecRegistry.makeEncoder(for: PayloadFormat(staticPayloadType: 11)!)
    var payload = [UInt8](repeating: 0, count: 4)
    let length = try [Int16(0x1234), -2].withUnsafeBufferPointer { input in
      try payload.withUnsafeMutableBytes { try encoder.encode(input, into: $0) }
    }
    #expect(length == 4 && payload == [0x12, 0x34, 0xFF, 0xFE])
  }

  @Test("Opus at 48 and 16 kHz, mono and stereo, decodes back to its tone")
  func opus() throws {
    for (text, rate) in [
      ("opus/48000/2", 48000), ("opus/48000/2;stereo=1", 48000),
      ("opus/48000/2;sprop-maxcapturerate=16000", 16000),
    ] {
      let format = try PayloadFormat(parsing: text)
      let encoder = try CodecRegistry.makeEncoder(for: format)
      #expect(encoder.sampleRate == rate)
      #expect(encoder.framesPerTick == Double(rate) / 48000)
      let samples = Self.tone(
        hertz: 440, rate: rate, frames: rate, channels: encoder.channels)
      let (payloads, _) = try Self.roundTrip(
        format, samples, packetFrames: rate / 50, settings: EncoderSettings(bitrate: 32000))
      #expect(payloads.count == 50)
      #expect(payloads.allSatisfy { $0.count > 2 && $0.count < 200 })
      // Decoded at 48 kHz (the decoder's rate), the tone's energy is back: compare RMS.
      let decoder = try CodecRegistry.makeDecoder(for: format)
      var decoded: [Int16] = []
      for payload in payloads { decoded += try CodecTests.decode(decoder, payload) }
      #expect(decoded.count == 48000 * decoder.channels)
      let tail = decoded.suffix(24000).map { Double($0) }
      let rms = (tail.map { $0 * $0 }.reduce(0, +) / Double(tail.count)).squareRoot()
      #expect(abs(rms - 8192 / 2.0.squareRoot()) < 1200, "\(text): RMS \(rms)")
    }
  }

  @Test("Opus refuses packet times it does not have and rates libopus does not take")
  func opusLimits() throws {
    let encoder = try CodecRegistry.makeEncoder(for: try PayloadFormat(parsing: "opus/48000/2"))
    #expect(encoder.problem(packetFrames: 960) == nil)
    #expect(encoder.problem(packetFrames: 5760) == nil)
    #expect(encoder.problem(packetFrames: 1440 + 960) != nil)
    #expect(encoder.problem(packetFrames: 100) != nil)
    #expect(throws: CodecError.self) {
      try CodecRegistry.makeEncoder(
        for: try PayloadFormat(parsing: "opus/48000/2;sprop-maxcapturerate=44100"))
    }
    #expect(throws: CodecError.self) {
      try CodecRegistry.makeEncoder(
        for: try PayloadFormat(parsing: "opus/48000/2"), settings: EncoderSettings(bitrate: 100))
    }
  }

  @Test("Opus with DTX sends nothing for silence")
  func opusDTX() throws {
    let format = try PayloadFormat(parsing: "opus/48000/2")
    let silence = [Int16](repeating: 0, count: 48000)
    let (payloads, _) = try Self.roundTrip(
      format, silence, packetFrames: 960,
      settings: EncoderSettings(discontinuousTransmission: true))
    let sent = payloads.filter { !$0.isEmpty }.count
    // libopus still sends one frame every 400 ms of silence, and a few while it settles.
    #expect(sent < 15, "\(sent) of 50 silent packets sent")
  }
}
