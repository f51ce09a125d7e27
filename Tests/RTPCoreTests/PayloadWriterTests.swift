import RTPCore
import Testing

@Suite("Silence for erasures")
struct PayloadWriterTests {
  static func erasure(_ packets: Int64, span: Int64) -> JitterBufferErasure {
    JitterBufferErasure(firstSequence: 10, lastSequence: 9 + packets, timestampSpan: span)
  }

  @Test(
    "a G.711 or L16 void lasts the span minus the packet before it, in the codec's silence",
    arguments: [
      (UInt8(0), PayloadEncoding?.none, UInt8(0xFF), 160, 320),
      (UInt8(8), nil, UInt8(0xD5), 160, 320),
      (UInt8(11), nil, UInt8(0x00), 320, 640),
      (UInt8(96), PayloadEncoding.pcma, UInt8(0xD5), 160, 320),
      (UInt8(0), PayloadEncoding.l16, UInt8(0x00), 320, 640),
    ])
  func known(
    type: UInt8, encoding: PayloadEncoding?, byte: UInt8, previous: Int, expected: Int
  ) {
    let fill = PayloadWriter.silence(
      for: Self.erasure(2, span: 480), previousPayloadLength: previous,
      previousPayloadType: type, ticksPerPacket: 160, encoding: encoding)
    #expect(fill.byte == byte)
    #expect(fill.count == expected)
  }

  @Test("a timestamp jump is capped at 60 s of audio; a span shorter than the packet gives none")
  func caps() {
    let jump = PayloadWriter.silence(
      for: Self.erasure(1, span: 1 << 40), previousPayloadLength: 160, previousPayloadType: 0,
      ticksPerPacket: 160, encoding: nil)
    #expect(jump.count == 60 * 8000)
    let backwards = PayloadWriter.silence(
      for: Self.erasure(1, span: -5000), previousPayloadLength: 160, previousPayloadType: 0,
      ticksPerPacket: 160, encoding: nil)
    #expect(backwards.count == 0)
  }

  @Test("other codecs get zero bytes, the previous payload's length per missing packet, capped")
  func unknown() {
    let fill = PayloadWriter.silence(
      for: Self.erasure(3, span: 240), previousPayloadLength: 10, previousPayloadType: 18,
      ticksPerPacket: 80, encoding: nil)
    #expect(fill.byte == 0 && fill.count == 30)
    let huge = PayloadWriter.silence(
      for: Self.erasure(1_000_000, span: 80_000_000), previousPayloadLength: 10,
      previousPayloadType: 18, ticksPerPacket: 80, encoding: nil)
    #expect(huge.count == 60 * 8000 / 80 * 10)
    let unknownDuration = PayloadWriter.silence(
      for: Self.erasure(1_000_000, span: 0), previousPayloadLength: 10,
      previousPayloadType: 111, ticksPerPacket: 0, encoding: nil)
    #expect(unknownDuration.count == Int(PayloadWriter.maximumFillPackets) * 10)
  }
}
