import Testing

@testable import RTPCodecs

@Suite("The DVI4 encoder, through the DVI4 decoder")
struct DVI4EncoderTests {
  @Test("A tone at 8 and 16 kHz comes back above 20 dB SNR", arguments: [5, 6])
  func tone(payloadType: UInt8) throws {
    let format = try #require(PayloadFormat(staticPayloadType: payloadType))
    let samples = EncoderTests.tone(hertz: 440, rate: format.clockRate, frames: format.clockRate)
    let (payloads, decoded) = try EncoderTests.roundTrip(
      format, samples, packetFrames: format.clockRate / 50)
    #expect(payloads.count == 50)
    // 4 bytes of state, then two samples a byte.
    #expect(payloads.allSatisfy { $0.count == 4 + format.clockRate / 100 })
    #expect(payloads[0].prefix(4) == [0, 0, 0, 0])
    #expect(decoded.count == samples.count)
    let snr = EncoderTests.snr(samples, decoded)
    #expect(snr > 20, "SNR \(snr) dB")
  }

  @Test("Each packet's header carries the state, so a packet decodes alone as in the stream")
  func packetsStandAlone() throws {
    let format = try #require(PayloadFormat(staticPayloadType: 5))
    let samples = EncoderTests.tone(hertz: 1000, rate: 8000, frames: 1600)
    let (payloads, decoded) = try EncoderTests.roundTrip(format, samples, packetFrames: 160)
    for (number, payload) in payloads.enumerated() where number > 0 {
      let alone = try CodecTests.decode(CodecRegistry.makeDecoder(for: format), payload)
      #expect(alone == Array(decoded[(number * 160)..<((number + 1) * 160)]))
      // The predicted value is the last sample of the packet before, big-endian.
      let last = UInt16(bitPattern: decoded[number * 160 - 1])
      #expect(payload[0] == UInt8(last >> 8) && payload[1] == UInt8(last & 0xFF))
      #expect(payload[2] < 89 && payload[3] == 0)
    }
  }

  @Test("An odd packet size and a stereo format are refused")
  func refused() throws {
    let encoder = try CodecRegistry.makeEncoder(for: #require(PayloadFormat(staticPayloadType: 5)))
    #expect(encoder.problem(packetFrames: 161) != nil)
    #expect(encoder.problem(packetFrames: 160) == nil)
    #expect(throws: CodecError.self) {
      try CodecRegistry.makeEncoder(for: PayloadFormat(parsing: "DVI4/8000/2"))
    }
  }
}
