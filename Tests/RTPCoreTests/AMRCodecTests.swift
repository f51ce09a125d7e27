import Foundation
import Testing

@testable import RTPCodecs

/// AMR and AMR-WB (RFC 4867): the payload layouts bit for bit, tones through opencore-amrnb,
/// opencore-amrwb and vo-amrwbenc, and what a damaged or lost frame becomes.
@Suite("AMR and AMR-WB payloads and codecs")
struct AMRCodecTests {
  /// An AMR SID frame in the storage format: TOC byte `0 1000 1 00`, then its 39 bits (the
  /// last byte's low bit is padding).
  static let narrowbandSID: [UInt8] = [0x44, 0xA5, 0x5A, 0xF0, 0x0F, 0x3E]
  /// An AMR-WB SID frame: TOC `0 1001 1 00`, then 40 bits.
  static let widebandSID: [UInt8] = [0x4C, 0xC3, 0x3C, 0x81, 0x7E, 0x55]
  /// A NO_DATA frame: TOC `0 1111 1 00` and no bits.
  static let noData: [UInt8] = [0x7C]

  /// `frames` (storage format) packed by `layout` with CMR 15.
  static func pack(_ layout: AMRPayloadLayout, _ frames: [[UInt8]]) -> [UInt8] {
    var storage = [UInt8](repeating: 0, count: frames.count * AMRPayloadLayout.storageStride)
    for (index, frame) in frames.enumerated() {
      storage.replaceSubrange(
        (index * AMRPayloadLayout.storageStride)..<(index * AMRPayloadLayout.storageStride
          + frame.count), with: frame)
    }
    var payload = [UInt8](repeating: 0, count: layout.maximumPayloadBytes(frames: frames.count))
    let length = storage.withUnsafeBytes { source in
      payload.withUnsafeMutableBytes {
        layout.pack(source, count: frames.count, request: 15, into: $0)
      }
    }
    return Array(payload.prefix(length))
  }

  /// The storage-format frames `layout` reads from `payload`, each `sizes[i]` bytes long.
  static func unpack(_ layout: AMRPayloadLayout, _ payload: [UInt8], sizes: [Int]) throws
    -> [[UInt8]]
  {
    var storage = [UInt8](
      repeating: 0xEE, count: AMRPayloadLayout.maximumFrames * AMRPayloadLayout.storageStride)
    let count = try payload.withUnsafeBytes { bytes in
      try storage.withUnsafeMutableBytes { try layout.unpack(bytes, into: $0) }
    }
    #expect(count == sizes.count)
    return sizes.enumerated().map { index, size in
      Array(storage[(index * AMRPayloadLayout.storageStride)...].prefix(size))
    }
  }

  @Test(
    "Bandwidth-efficient and octet-aligned payloads, bit for bit (hand-computed)",
    arguments: [
      // CMR 1111, TOC 0 1000 1, then the 39 bits straight after, padded to 7 bytes.
      (AMRVariant.narrowband, false, [narrowbandSID], [0xF4, 0x69, 0x56, 0xBC, 0x03, 0xCF, 0x80]),
      // CMR byte 1111 0000, TOC byte 0 1000 1 00, then the frame's 5 bytes.
      (.narrowband, true, [narrowbandSID], [0xF0, 0x44, 0xA5, 0x5A, 0xF0, 0x0F, 0x3E]),
      // Two entries, 1111 | 1 1000 1 | 0 1111 1: the speech bits start on a byte again.
      (.narrowband, false, [narrowbandSID, noData], [0xFC, 0x5F, 0xA5, 0x5A, 0xF0, 0x0F, 0x3E]),
      (
        .narrowband, true, [narrowbandSID, noData],
        [0xF0, 0xC4, 0x7C, 0xA5, 0x5A, 0xF0, 0x0F, 0x3E]
      ),
      // A damaged frame keeps Q = 0: 1111 | 0 1000 0.
      (
        .narrowband, false, [[0x40] + narrowbandSID.dropFirst()],
        [0xF4, 0x29, 0x56, 0xBC, 0x03, 0xCF, 0x80]
      ),
      // AMR-WB SID: 1111 | 0 1001 1 | 40 bits.
      (.wideband, false, [widebandSID], [0xF4, 0xF0, 0xCF, 0x20, 0x5F, 0x95, 0x40]),
      (.wideband, true, [widebandSID], [0xF0, 0x4C, 0xC3, 0x3C, 0x81, 0x7E, 0x55]),
    ] as [(AMRVariant, Bool, [[UInt8]], [UInt8])])
  func knownAnswers(variant: AMRVariant, octetAligned: Bool, frames: [[UInt8]], payload: [UInt8])
    throws
  {
    let layout = AMRPayloadLayout(variant: variant, octetAligned: octetAligned)
    #expect(Self.pack(layout, frames) == payload)
    #expect(try Self.unpack(layout, payload, sizes: frames.map(\.count)) == frames)
  }

  @Test("The fmtp chooses the layout; interleaving, crc=1 and robust-sorting=1 are refused by name")
  func parameters() throws {
    let plain = try AMRPayloadLayout(
      format: PayloadFormat(parsing: "AMR/8000"), variant: .narrowband)
    #expect(!plain.octetAligned)
    let aligned = try AMRPayloadLayout(
      format: PayloadFormat(parsing: "AMR-WB/16000;octet-align=1"), variant: .wideband)
    #expect(aligned.octetAligned)
    for (text, name) in [
      ("AMR/8000;octet-align=1;interleaving=4", "interleaving"),
      ("AMR/8000;octet-align=1;crc=1", "crc=1"),
      ("AMR-WB/16000;octet-align=1;robust-sorting=1", "robust-sorting=1"),
    ] {
      let format = try PayloadFormat(parsing: text)
      #expect {
        try CodecRegistry.makeDecoder(for: format)
      } throws: { error in
        guard case .unsupported(_, let why) = error as? CodecError else { return false }
        return why.contains(name)
      }
      #expect(throws: CodecError.self) { try CodecRegistry.makeEncoder(for: format) }
    }
    for text in ["AMR/16000", "AMR-WB/8000", "AMR/8000/2"] {
      #expect(throws: CodecError.self) {
        try CodecRegistry.makeDecoder(for: try PayloadFormat(parsing: text))
      }
    }
  }

  /// The energy of `samples` at `hertz` (Goertzel) as a share of all their energy.
  static func toneShare(_ samples: ArraySlice<Int16>, hertz: Double, rate: Int) -> Double {
    let coefficient = 2 * cos(2 * Double.pi * hertz / Double(rate))
    var (previous, older) = (0.0, 0.0)
    var total = 0.0
    for sample in samples {
      let value = Double(sample)
      total += value * value
      let current = value + coefficient * previous - older
      older = previous
      previous = current
    }
    let power = previous * previous + older * older - coefficient * previous * older
    // A sine of amplitude A over N samples: Goertzel power N²A²/4, energy NA²/2.
    return 2 * power / Double(samples.count) / max(total, 1)
  }

  @Test(
    "A 1 kHz tone through AMR and AMR-WB, both layouts: its frequency, level and an SNR bound",
    arguments: [
      ("AMR/8000", 8000, 32, 7), ("AMR/8000;octet-align=1", 8000, 33, 7),
      ("AMR-WB/16000", 16000, 61, 8), ("AMR-WB/16000;octet-align=1", 16000, 62, 8),
    ])
  func toneRoundTrip(text: String, rate: Int, bytes: Int, frameType: Int) throws {
    let format = try PayloadFormat(parsing: text)
    let samples = EncoderTests.tone(hertz: 1000, rate: rate, frames: rate)
    let (payloads, decoded) = try EncoderTests.roundTrip(
      format, samples, packetFrames: rate / 50)
    #expect(payloads.count == 50)
    // 12.2 and 23.85 kbit/s by default: 244 and 477 speech bits, every frame type 7 or 8.
    #expect(payloads.allSatisfy { $0.count == bytes }, "\(text): \(payloads.map(\.count))")
    let first = payloads[0]
    let entry =
      text.contains("octet-align=1")
      ? Int(first[1]) >> 3 : (Int(first[0]) & 7) << 1 | Int(first[1]) >> 7
    #expect(first[0] >> 4 == 15, "CMR 15")
    #expect(entry & 0x0F == frameType)
    #expect(decoded.count == rate)
    let tail = decoded[(rate / 4)...]
    // The tone's energy is in its frequency and at its level (RMS 8192/√2 = 5793).
    let share = Self.toneShare(tail, hertz: 1000, rate: rate)
    #expect(share > 0.9, "\(text): \(share) of the energy at 1 kHz")
    let rms = (tail.reduce(0.0) { $0 + Double($1) * Double($1) } / Double(tail.count))
      .squareRoot()
    #expect(abs(rms - 5793) < 580, "\(text): RMS \(rms)")
    // What is not the sine fitted to it (any phase: the codec's delay is not whole samples).
    let snr = Self.sineSNR(tail, hertz: 1000, rate: rate)
    #expect(snr > 25, "\(text): SNR \(snr) dB against the fitted sine")
  }

  /// The signal-to-noise ratio in dB of `samples` against the sine at `hertz` that fits them
  /// best (least squares, any amplitude and phase).
  static func sineSNR(_ samples: ArraySlice<Int16>, hertz: Double, rate: Int) -> Double {
    let step = 2 * Double.pi * hertz / Double(rate)
    var (cosine, sine) = (0.0, 0.0)
    for (index, sample) in samples.enumerated() {
      cosine += Double(sample) * cos(step * Double(index))
      sine += Double(sample) * sin(step * Double(index))
    }
    cosine *= 2 / Double(samples.count)
    sine *= 2 / Double(samples.count)
    var (signal, noise) = (0.0, 0.0)
    for (index, sample) in samples.enumerated() {
      let fitted = cosine * cos(step * Double(index)) + sine * sin(step * Double(index))
      signal += fitted * fitted
      noise += (Double(sample) - fitted) * (Double(sample) - fitted)
    }
    return 10 * log10(signal / max(noise, 1e-9))
  }

  @Test("The bit rate picks the fastest mode not above it; below the slowest is refused")
  func modes() throws {
    for (text, bitrate, frameType) in [
      ("AMR/8000", 7000, 3), ("AMR/8000", 4750, 0), ("AMR/8000", 64000, 7),
      ("AMR-WB/16000", 12650, 2), ("AMR-WB/16000", 23000, 6),
    ] {
      let format = try PayloadFormat(parsing: "\(text);octet-align=1")
      let rate = format.clockRate
      let (payloads, _) = try EncoderTests.roundTrip(
        format, EncoderTests.tone(hertz: 440, rate: rate, frames: rate / 10),
        packetFrames: rate / 50, settings: EncoderSettings(bitrate: bitrate))
      #expect(payloads.allSatisfy { Int($0[1]) >> 3 == frameType }, "\(text) at \(bitrate)")
    }
    #expect(throws: CodecError.self) {
      try CodecRegistry.makeEncoder(
        for: try PayloadFormat(parsing: "AMR/8000"), settings: EncoderSettings(bitrate: 4000))
    }
  }

  @Test("Several frames a packet: one TOC entry each, F set on all but the last")
  func framesPerPacket() throws {
    let format = try PayloadFormat(parsing: "AMR/8000;octet-align=1")
    let samples = EncoderTests.tone(hertz: 500, rate: 8000, frames: 8000)
    let (payloads, decoded) = try EncoderTests.roundTrip(format, samples, packetFrames: 480)
    #expect(payloads.count == 16)
    #expect(
      payloads.allSatisfy { Array($0[1...3]) == [0xBC, 0xBC, 0x3C] && $0.count == 1 + 3 + 93 })
    #expect(decoded.count == 16 * 480)
  }

  @Test(
    "Truncated or impossible payloads are corrupt, and the decoder goes on as after a loss",
    arguments: [
      ("AMR/8000", [UInt8]()), ("AMR/8000", [0xF0]),
      // A TOC entry for 12.2 kbit/s (244 bits) with 8 bytes after it.
      ("AMR/8000", [0xF3, 0xC0, 1, 2, 3, 4, 5, 6, 7]),
      ("AMR/8000;octet-align=1", [0xF0, 0x3C, 1, 2, 3]),
      // F set in every entry: the table of contents never ends.
      ("AMR/8000", [UInt8](repeating: 0xFF, count: 40)),
      ("AMR/8000;octet-align=1", [0xF0, 0xBC]),
      // Frame type 12 is reserved in AMR, 11 in AMR-WB.
      ("AMR/8000;octet-align=1", [0xF0, 0x64]), ("AMR-WB/16000;octet-align=1", [0xF0, 0x5C]),
      ("AMR-WB/16000", [0xF4, 0x40, 0, 0, 0]),
    ])
  func corrupt(text: String, payload: [UInt8]) throws {
    let format = try PayloadFormat(parsing: text)
    let decoder = try CodecRegistry.makeDecoder(for: format)
    #expect {
      try CodecTests.decode(decoder, payload)
    } throws: { error in
      guard case .corrupt = error as? CodecError else { return false }
      return true
    }
    // A NO_DATA payload still decodes to one frame's length.
    let noData: [UInt8] = format.parameters["octet-align"] == "1" ? [0xF0, 0x7C] : [0xF7, 0xC0]
    #expect(try CodecTests.decode(decoder, noData).count == format.clockRate / 50)
  }

  @Test(
    "A damaged (Q=0) or lost frame is concealed from the history, not silence",
    arguments: ["AMR/8000;octet-align=1", "AMR-WB/16000;octet-align=1"])
  func concealment(text: String) throws {
    let format = try PayloadFormat(parsing: text)
    let rate = format.clockRate
    let size = rate / 50
    let (payloads, _) = try EncoderTests.roundTrip(
      format, EncoderTests.tone(hertz: 600, rate: rate, frames: rate / 2), packetFrames: size)
    let decoder = try CodecRegistry.makeDecoder(for: format)
    #expect(decoder.concealsLoss)
    for payload in payloads.prefix(20) { _ = try CodecTests.decode(decoder, payload) }
    // Frame 21 with its Q bit cleared.
    var damaged = payloads[20]
    damaged[1] &= ~0x04
    let concealed = try CodecTests.decode(decoder, damaged)
    let intact = try CodecTests.decode(try Self.primed(format, payloads), payloads[20])
    #expect(concealed.count == size)
    #expect(
      EncoderTests.rms(concealed) > 1000, "\(text): concealed RMS \(EncoderTests.rms(concealed))")
    #expect(concealed != intact, "a damaged frame is not decoded as a good one")
    var lost = [Int16](repeating: 0, count: size + 7)
    let made = lost.withUnsafeMutableBufferPointer {
      decoder.conceal(frames: size + 7, next: nil, into: $0)
    }
    #expect(made == size + 7)
    #expect(EncoderTests.rms(lost) > 100, "\(text): lost-frame RMS \(EncoderTests.rms(lost))")
  }

  /// A decoder that has decoded the first 20 of `payloads`.
  static func primed(_ format: PayloadFormat, _ payloads: [[UInt8]]) throws -> any AudioDecoder {
    let decoder = try CodecRegistry.makeDecoder(for: format)
    for payload in payloads.prefix(20) { _ = try CodecTests.decode(decoder, payload) }
    return decoder
  }

  @Test(
    "With DTX, silence is SID frames and unsent packets; NO_DATA decodes to a frame of noise",
    arguments: [("AMR/8000", 8), ("AMR-WB/16000", 9)])
  func discontinuousTransmission(text: String, silenceType: Int) throws {
    let format = try PayloadFormat(parsing: "\(text);octet-align=1")
    let rate = format.clockRate
    let samples =
      EncoderTests.tone(hertz: 400, rate: rate, frames: rate / 2)
      + [Int16](repeating: 0, count: rate * 2)
    let (payloads, decoded) = try EncoderTests.roundTrip(
      format, samples, packetFrames: rate / 50,
      settings: EncoderSettings(discontinuousTransmission: true))
    #expect(payloads.count == 125)
    let unsent = payloads.filter(\.isEmpty).count
    let silence = payloads.filter { $0.count > 1 && Int($0[1]) >> 3 == silenceType }.count
    #expect(unsent > 60, "\(text): \(unsent) unsent")
    #expect(silence >= 3, "\(text): \(silence) SID frames")
    #expect(decoded.count == (125 - unsent) * rate / 50)
  }
}
