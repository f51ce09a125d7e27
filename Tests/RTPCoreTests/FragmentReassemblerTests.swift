import RTPCore
import Testing

@Suite("IPv4 fragment reassembly")
struct FragmentReassemblerTests {
  typealias B = CaptureBytes

  /// A UDP datagram of `size` payload bytes, cut into IPv4 fragments of `chunk` bytes.
  static func fragments(
    identification: UInt16 = 77, size: Int = 3000, chunk: Int = 1480, source: UInt32 = 0x0A00_0001
  ) -> (payload: [UInt8], fragments: [[UInt8]]) {
    let payload = (0..<size).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ Int(identification)) }
    let segment = B.udp(payload: payload)
    var fragments: [[UInt8]] = []
    var offset = 0
    while offset < segment.count {
      let end = min(offset + chunk, segment.count)
      fragments.append(
        B.ipv4(
          source: source, identification: identification, moreFragments: end < segment.count,
          fragmentOffset: offset, payload: Array(segment[offset..<end])))
      offset = end
    }
    return (payload, fragments)
  }

  static func feed(_ packets: [[UInt8]], decoder: DatagramDecoder, start: Int64 = 0) -> [Decoded] {
    packets.map { packet in
      TestInput.decode(packet, linkType: .ipv4, timestamp: start, decoder: decoder)
    }
  }

  static func expected(_ payload: [UInt8], source: UInt32 = 0x0A00_0001) -> Decoded {
    .datagram(
      ReadDatagram(
        source: Endpoint(address: .v4(IPv4Address(rawValue: source)), port: 5004),
        destination: Endpoint("10.0.0.2:5006")!, payload: payload))
  }

  static let orders: [(String, [Int])] = [
    ("in order", [0, 1, 2, 3]),
    ("reversed", [3, 2, 1, 0]),
    ("shuffled", [2, 0, 3, 1]),
    ("duplicated", [0, 0, 1, 2, 1, 3]),
  ]

  @Test("fragments in any order, with duplicates, make one datagram", arguments: orders)
  func reassemblesInAnyOrder(name: String, order: [Int]) {
    let (payload, fragments) = Self.fragments(size: 4000, chunk: 1200)
    #expect(fragments.count == 4)
    let decoder = DatagramDecoder()
    let outcomes = Self.feed(order.map { fragments[$0] }, decoder: decoder)
    #expect(outcomes.last == Self.expected(payload), "\(name)")
    let datagrams = outcomes.filter { if case .datagram = $0 { true } else { false } }
    #expect(datagrams.count == 1)
    let duplicates = outcomes.filter { $0 == .skipped(.duplicateFragment) }.count
    #expect(duplicates == order.count - Set(order).count)
    #expect(decoder.datagramsInProgress == 0)
  }

  @Test("consistent overlapping fragments reassemble")
  func consistentOverlap() {
    let payload = (0..<2000).map { UInt8(truncatingIfNeeded: $0) }
    let segment = B.udp(payload: payload)
    let pieces = [(0, 1000, true), (800, 1600, true), (1600, segment.count, false)]
    let packets = pieces.map { start, end, more in
      B.ipv4(
        identification: 5, moreFragments: more, fragmentOffset: start,
        payload: Array(segment[start..<end]))
    }
    let outcomes = Self.feed(packets, decoder: DatagramDecoder())
    #expect(outcomes == [.held, .held, Self.expected(payload)])
  }

  @Test("inconsistent overlaps drop the datagram and are counted")
  func inconsistentOverlap() {
    let (_, fragments) = Self.fragments(size: 3000, chunk: 1480)
    var liar = fragments[1]
    liar[liar.count - 1] ^= 0xFF
    let decoder = DatagramDecoder()
    let outcomes = Self.feed([fragments[0], fragments[1], liar, fragments[2]], decoder: decoder)
    #expect(outcomes[0] == .held)
    #expect(outcomes[1] == .held)
    #expect(outcomes[2] == .skipped(.inconsistentFragment))
    #expect(outcomes[3] == .held)  // starts over and waits for the rest
  }

  @Test("a second last fragment with a different end is inconsistent")
  func conflictingEnds() {
    let segment = B.udp(payload: [UInt8](repeating: 1, count: 100))
    let first = B.ipv4(
      identification: 9, moreFragments: true, fragmentOffset: 0, payload: Array(segment[0..<32]))
    let lastA = B.ipv4(identification: 9, fragmentOffset: 32, payload: Array(segment[32..<60]))
    let lastB = B.ipv4(identification: 9, fragmentOffset: 32, payload: Array(segment[32..<50]))
    #expect(
      Self.feed([lastA, lastB, first], decoder: DatagramDecoder()) == [
        .held, .skipped(.inconsistentFragment), .held,
      ])
  }

  @Test("malformed fragments: odd length in the middle, beyond 65535 bytes")
  func malformedFragments() {
    let odd = B.ipv4(moreFragments: true, fragmentOffset: 0, payload: [1, 2, 3])
    let beyond = B.ipv4(fragmentOffset: 65_528, payload: [UInt8](repeating: 0, count: 100))
    #expect(
      Self.feed([odd, beyond], decoder: DatagramDecoder()) == [
        .skipped(.malformedIPv4), .skipped(.malformedIPv4),
      ])
  }

  @Test("a never completed datagram expires after 30 s of capture time")
  func expiry() {
    let decoder = DatagramDecoder()
    let (_, fragments) = Self.fragments(identification: 1)
    #expect(
      TestInput.decode(fragments[0], linkType: .ipv4, timestamp: 0, decoder: decoder) == .held)
    #expect(decoder.datagramsInProgress == 1)
    let (payload, other) = Self.fragments(identification: 2, size: 100, chunk: 64)
    let late: Int64 = 31_000_000_000
    _ = Self.feed(other, decoder: decoder, start: late)
    #expect(decoder.incompleteDatagramsExpired == 1)
    #expect(decoder.datagramsInProgress == 0)
    // The rest of the expired datagram alone cannot complete it.
    let rest = Self.feed(Array(fragments[1...]), decoder: decoder, start: late)
    #expect(!rest.contains(Self.expected(payload)))
    #expect(rest.allSatisfy { $0 == .held })
  }

  @Test("more than 64 datagrams in progress evict the oldest, and memory stays bounded")
  func eviction() {
    let decoder = DatagramDecoder()
    var firsts: [[UInt8]] = []
    var rests: [[[UInt8]]] = []
    var payloads: [[UInt8]] = []
    for id in 0..<100 {
      let (payload, fragments) = Self.fragments(identification: UInt16(id), size: 2000)
      payloads.append(payload)
      firsts.append(fragments[0])
      rests.append(Array(fragments[1...]))
    }
    #expect(Self.feed(firsts, decoder: decoder).allSatisfy { $0 == .held })
    #expect(decoder.datagramsInProgress == 64)
    #expect(decoder.incompleteDatagramsEvicted == 36)
    // The newest 64 still complete; the evicted ones do not.
    let newest = Self.feed(rests[99], decoder: decoder)
    #expect(newest.last == Self.expected(payloads[99]))
    let oldest = Self.feed(rests[0], decoder: decoder)
    #expect(oldest.allSatisfy { $0 == .held })
  }

  @Test("an endless stream of never completed fragments keeps the table at its bound")
  func endlessStream() {
    let decoder = DatagramDecoder()
    for id in 0..<5_000 {
      let packet = B.ipv4(
        source: UInt32(id), identification: UInt16(truncatingIfNeeded: id), moreFragments: true,
        fragmentOffset: 8 * (id % 100), payload: [UInt8](repeating: 0, count: 16))
      _ = TestInput.decode(packet, linkType: .ipv4, timestamp: Int64(id), decoder: decoder)
    }
    #expect(decoder.datagramsInProgress == 64)
    #expect(decoder.incompleteDatagramsDropped == 5_000 - 64)
  }

  @Test("fragments of non-UDP packets are skipped, not held")
  func nonUDPFragments() {
    let packet = B.ipv4(proto: 6, moreFragments: true, payload: [UInt8](repeating: 0, count: 16))
    #expect(TestInput.decode(packet, linkType: .ipv4) == .skipped(.notUDP))
  }

  @Test("fragmented datagrams through a whole capture file, with the reader's counters")
  func throughReader() throws {
    let (payload, fragments) = Self.fragments(size: 3000)
    var file = B.pcapHeader(linkType: 228)
    for (index, fragment) in fragments.reversed().enumerated() {
      file += B.pcapRecord(seconds: UInt32(index), fraction: 0, data: fragment)
    }
    file += B.pcapRecord(seconds: 9, fraction: 0, data: B.ipv4(proto: 1, payload: [8, 0, 0, 0]))
    let result = try TestInput.datagrams(file)
    #expect(result.error == nil)
    #expect(result.datagrams.map(\.payload) == [payload])
    #expect(result.datagrams.first?.timestamp == Int64(fragments.count - 1) * 1_000_000_000)
    #expect(result.recordsRead == fragments.count + 1)
    #expect(result.skipped[.notUDP] == 1)
  }
}
