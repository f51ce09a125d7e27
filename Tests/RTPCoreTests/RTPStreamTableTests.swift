import RTPCore
import Testing

@Suite("RTP stream table")
struct RTPStreamTableTests {
  typealias F = PlayoutFixture

  static func table(_ packets: [F.Packet], limit: Int = RTPStreamTable.defaultLimit) throws
    -> RTPStreamTable
  {
    try F.withReader(try F.capture(packets)) { reader in
      var table = RTPStreamTable(limit: limit)
      try table.read(from: reader)
      return table
    }
  }

  @Test("streams are keyed by SSRC and endpoints, listed in order of first packet")
  func keys() throws {
    var packets = (0..<3).map { F.voice($0) }
    for index in [1, 0] {
      var other = F.voice(index, ssrc: 0xAAAA_BBBB)
      other.source = F.carol
      packets.insert(other, at: 1)
    }
    for index in [3, 4] {
      var moved = F.voice(index)
      moved.source = F.carol  // same SSRC, another source port: another stream
      packets.append(moved)
    }
    var event = F.voice(4)
    event.bytes = F.rtp(sequence: 1003, timestamp: 8480, payloadType: 101, payload: [1, 2, 3, 4])
    packets.append(event)
    let table = try Self.table(packets)
    #expect(table.streams.count == 3)
    #expect(table.streams.map(\.key.ssrc) == [0x1234_5678, 0xAAAA_BBBB, 0x1234_5678])
    #expect(table.streams[0].packets == 4)
    #expect(table.streams[0].payloadTypes == [0, 101])
    #expect(table.streams[0].firstSequence == 1000 && table.streams[0].lastSequence == 1003)
    #expect(table.streams[0].duration == 80_000_000)
    #expect(table.streams[2].key.source == F.carol)
    #expect(table.busiest == 0)
  }

  @Test("the busiest stream wins; among equals the first seen")
  func busiest() throws {
    let a = (0..<2).map { F.voice($0, ssrc: 1) }
    let b = (0..<3).map { F.voice($0, ssrc: 2) }
    let c = (0..<3).map { F.voice($0, ssrc: 3) }
    #expect(try Self.table(a + b + c).busiest == 1)
    #expect(try Self.table(c + b + a).busiest == 0)
    #expect(RTPStreamTable().busiest == nil)
  }

  @Test("past the limit, packets of new streams are only counted")
  func limit() throws {
    let packets = (0..<10).map { F.voice($0, ssrc: UInt32($0)) }
    let table = try Self.table(packets + [F.voice(2, ssrc: 1)], limit: 4)
    #expect(table.tracked.count == 4)
    #expect(table.untrackedPackets == 6)
    #expect(table.tracked[1].packets == 2)
    #expect(table.streams.map(\.key.ssrc) == [1])
    #expect(table.unconfirmedPackets == 3)
  }

  @Test("a busy stream that starts after the table is full is still listed and chosen")
  func beyondLimit() throws {
    let strays = (0..<50).map { F.voice($0, ssrc: UInt32(1000 + $0)) }
    let late = (50..<80).map { F.voice($0, ssrc: 7) }
    let table = try Self.table(strays + late, limit: 8)
    #expect(table.tracked.count == 8)
    #expect(table.untrackedPackets == 42 + 30)
    #expect(table.streams.map(\.key.ssrc) == [7])
    #expect(table.streams.first?.packets == 30)
    #expect(table.streamsBeyondLimit == 1)
    #expect(table.busiest == 0)
  }

  @Test("the sketch holds every stream with more than its share, counted from when it came in")
  func sketch() throws {
    var sketch = RTPStreamSketch(capacity: 4)
    let packet = F.rtp(sequence: 1, timestamp: 0)
    // 40 one-packet streams interleaved with 30 packets of stream 7 and 12 of stream 8.
    var order: [UInt32] = []
    for index in 0..<40 {
      order.append(UInt32(100 + index))
      if index % 4 != 3 { order.append(7) }
      if index % 10 < 3 { order.append(8) }
    }
    try packet.withUnsafeBytes { raw in
      let parsed = try RTPPacket(validating: raw)
      for ssrc in order {
        let key = RTPStreamKey(ssrc: ssrc, source: F.alice, destination: F.bob)
        sketch.count(parsed, key: key, time: 0)
      }
    }
    let total = order.count
    #expect(sketch.entries.count == 4)
    #expect(sketch.entries.reduce(0) { $0 + $1.count } == total)
    let seven = try #require(sketch.entries.first { $0.summary.key.ssrc == 7 })
    #expect(seven.count - seven.overcount == seven.summary.packets)
    #expect(seven.count >= 30 && seven.summary.packets <= 30)
    #expect(seven.summary.packets > 30 - total / 4)
  }

  @Test(
    "a flow is a stream once two packets arrive in sequence (RFC 3550 A.1 probation)",
    arguments: [
      ([1000], false), ([1000, 1002, 1004], false), ([1000, 1000], false), ([1000, 1001], true),
      ([1000, 1005, 1006], true), ([65535, 0], true), ([1002, 1000, 1001], true),
    ] as [([UInt16], Bool)])
  func probation(sequences: [UInt16], confirmed: Bool) throws {
    let packets = sequences.enumerated().map { position, sequence in
      var packet = F.voice(position)
      packet.bytes = F.rtp(
        sequence: sequence, timestamp: UInt32(position) * 160, payloadType: 0, payload: [1])
      return packet
    }
    let table = try Self.table(packets)
    #expect(table.streams.count == (confirmed ? 1 : 0))
    #expect(table.unconfirmedPackets == (confirmed ? 0 : sequences.count))
    #expect(table.busiest == (confirmed ? 0 : nil))
  }

  @Test("RTCP and non-RTP datagrams are not streams; broken RTP is counted apart")
  func notRTP() throws {
    var rtcp = F.voice(0)
    rtcp.bytes = [0x80, 200, 0, 6] + [UInt8](repeating: 0, count: 24)
    var junk = F.voice(1)
    junk.bytes = [0x00, 1, 2, 3, 4]
    var broken = F.voice(2)
    broken.bytes = [0x8F, 0, 0, 1] + [UInt8](repeating: 0, count: 12)  // 15 CSRCs claimed
    let table = try Self.table([rtcp, junk, broken, F.voice(3), F.voice(4)])
    #expect(table.streams.count == 1)
    #expect(table.notRTP == 2)
    #expect(table.invalidRTP == 1)
  }

  @Test("the listing has a header and one aligned row per stream")
  func listing() throws {
    let table = try Self.table((0..<51).map { F.voice($0) })
    let lines = table.listing.split(separator: "\n").map(String.init)
    #expect(lines.count == 2)
    #expect(lines[0].hasPrefix("#  SSRC"))
    let fields = lines[1].split(separator: " ").map(String.init)
    #expect(
      fields == [
        "1", "0x12345678", "192.0.2.1:4000", "192.0.2.2:5004", "0", "51", "1000", "1050", "1.000",
      ])
  }
}
