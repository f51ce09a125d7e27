import RTPCore
import Testing

@testable import RTPCaptures
@testable import RTPNetwork
@testable import RTPPackets

@Suite("RTP header shifts and loop extents")
struct StreamShiftTests {
  static func packet(seq: UInt16, ts: UInt32, ssrc: UInt32, pt: UInt8 = 0) throws -> [UInt8] {
    try RTPHeader(payloadType: pt, sequenceNumber: seq, timestamp: ts, ssrc: ssrc)
      .serialized(payload: [1, 2, 3])
  }

  @Test("A shift XORs the SSRC and adds offsets with wrap-around; non-RTP is left alone")
  func shift() throws {
    var bytes = try Self.packet(seq: 65_535, ts: 4_294_967_200, ssrc: 0x1234_5678)
    let shift = RTPHeaderShift(ssrcKey: 0xFFFF_0000, sequenceOffset: 2, timestampOffset: 200)
    let rewritten = bytes.withUnsafeMutableBytes { shift.apply(to: $0) }
    #expect(rewritten)
    let packet = try bytes.withUnsafeBytes { raw in
      let parsed = try RTPPacket(validating: raw)
      return (parsed.sequenceNumber, parsed.timestamp, parsed.ssrc, Array(parsed.payload))
    }
    #expect(packet.0 == 1)
    #expect(packet.1 == 104)
    #expect(packet.2 == 0xEDCB_5678)
    #expect(packet.3 == [1, 2, 3])
    var rtcp: [UInt8] = [0x80, 200, 0, 6] + [UInt8](repeating: 9, count: 24)
    let before = rtcp
    #expect(!rtcp.withUnsafeMutableBytes { shift.apply(to: $0) })
    #expect(rtcp == before)
    #expect(RTPHeaderShift().isIdentity)
    #expect(shift.then(shift).ssrcKey == 0)
  }

  @Test("A loop extent continues each SSRC's sequence and timestamps, and capture time")
  func extent() throws {
    var extent = LoopExtent()
    // SSRC 7: seq 65534...1 across the wrap, 160 ticks a packet, 20 ms apart.
    let sequences: [UInt16] = [65_534, 65_535, 0, 1]
    for (index, seq) in sequences.enumerated() {
      let bytes = try Self.packet(seq: seq, ts: 1_000 + UInt32(index) * 160, ssrc: 7)
      bytes.withUnsafeBytes { raw in
        extent.observe(
          UDPDatagram(
            timestamp: 5_000_000_000 + Int64(index) * 20_000_000,
            source: Endpoint("127.0.0.1:1")!, destination: Endpoint("127.0.0.1:2")!, payload: raw))
      }
    }
    #expect(extent.period == .milliseconds(80))
    let second = extent.shift(ssrc: 7, repetition: 1)
    #expect(second.sequenceOffset == 4)
    #expect(second.timestampOffset == 640)
    #expect(second.ssrcKey == 0)
    // The second pass's first packet follows the first pass's last.
    #expect(65_534 &+ second.sequenceOffset == 2)
    #expect(extent.shift(ssrc: 7, repetition: 3).sequenceOffset == 12)
    #expect(extent.shift(ssrc: 99, repetition: 1).isIdentity)
    #expect(extent.shift(ssrc: 7, repetition: 0).isIdentity)
  }
}
