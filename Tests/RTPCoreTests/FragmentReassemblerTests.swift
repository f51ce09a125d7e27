import RTPCore
import Testing

@Suite("IPv4 and IPv6 fragment reassembly")
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

  @Test("a full table evicts the datagram whose first fragment came earliest")
  func eviction() {
    let decoder = DatagramDecoder(maxDatagramsInProgress: 64)
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
    #expect(decoder.fragmentsSkipped[.evictedFragment] == 36)
    #expect(decoder.fragmentsSkipped[.incompleteFragment] == 64)
    // The newest 64 still complete; the evicted ones do not.
    let newest = Self.feed(rests[99], decoder: decoder)
    #expect(newest.last == Self.expected(payloads[99]))
    #expect(decoder.fragmentsReassembled == 1)
    let oldest = Self.feed(rests[0], decoder: decoder)
    #expect(oldest.allSatisfy { $0 == .held })
  }

  @Test("thousands of datagrams in flight all complete", arguments: [65, 5_000, 16_384])
  func manyInFlight(count: Int) {
    let decoder = DatagramDecoder()
    let all = (0..<count).map { id in
      Self.fragments(identification: UInt16(id), size: 1200, chunk: 600)
    }
    for (_, fragments) in all {
      #expect(TestInput.decode(fragments[0], linkType: .ipv4, decoder: decoder) == .held)
    }
    #expect(decoder.datagramsInProgress == count)
    var complete = 0
    for (payload, fragments) in all {
      for fragment in fragments.dropFirst() {
        if TestInput.decode(fragment, linkType: .ipv4, decoder: decoder) == Self.expected(payload) {
          complete += 1
        }
      }
    }
    #expect(complete == count)
    #expect(decoder.fragmentsReassembled == count * (all[0].fragments.count - 1))
    #expect(decoder.fragmentsSkipped.total == 0)
    #expect(decoder.fragmentBytesHeld == 0)
  }

  @Test("an endless stream of never completed fragments keeps the table at its bound")
  func endlessStream() {
    let decoder = DatagramDecoder(maxDatagramsInProgress: 64)
    for id in 0..<5_000 {
      let packet = B.ipv4(
        source: UInt32(id), identification: UInt16(truncatingIfNeeded: id), moreFragments: true,
        fragmentOffset: 8 * (id % 100), payload: [UInt8](repeating: 0, count: 16))
      _ = TestInput.decode(packet, linkType: .ipv4, timestamp: Int64(id), decoder: decoder)
    }
    #expect(decoder.datagramsInProgress == 64)
    #expect(decoder.incompleteDatagramsDropped == 5_000 - 64)
    #expect(decoder.fragmentBytesHeld == 64 * 2048)
  }

  @Test("storage grows with the fragments held, not with the offsets they claim")
  func storageByFragments() {
    let decoder = DatagramDecoder()
    #expect(decoder.fragmentBytesHeld == 0)
    let far = B.ipv4(
      identification: 3, moreFragments: true, fragmentOffset: 65_000,
      payload: [UInt8](repeating: 0, count: 8))
    #expect(TestInput.decode(far, linkType: .ipv4, decoder: decoder) == .held)
    #expect(decoder.fragmentBytesHeld == 2048)
    let near = B.ipv4(
      identification: 3, moreFragments: true, fragmentOffset: 0,
      payload: [UInt8](repeating: 0, count: 8))
    #expect(TestInput.decode(near, linkType: .ipv4, decoder: decoder) == .held)
    #expect(decoder.fragmentBytesHeld == 4096)
  }

  @Test("the memory budget evicts the oldest datagrams and is never exceeded")
  func memoryBudget() {
    let decoder = DatagramDecoder(memoryBudget: 100_000)
    #expect(decoder.memoryBudget == 65_536)
    // Each datagram touches 4 blocks with 4 fragments: 8 datagrams fill 64 KiB.
    for id in 0..<10 {
      for block in 0..<4 {
        let packet = B.ipv4(
          identification: UInt16(id), moreFragments: true, fragmentOffset: block * 2048,
          payload: [UInt8](repeating: 1, count: 8))
        #expect(TestInput.decode(packet, linkType: .ipv4, decoder: decoder) == .held)
        #expect(decoder.fragmentBytesHeld <= 65_536)
      }
    }
    #expect(decoder.datagramsInProgress == 8)
    #expect(decoder.incompleteDatagramsEvicted == 2)
    #expect(decoder.fragmentsSkipped[.evictedFragment] == 8)
    #expect(decoder.fragmentsSkipped[.incompleteFragment] == 32)
    // A datagram as large as IPv4 allows still reassembles within the smallest budget.
    let (payload, fragments) = Self.fragments(identification: 500, size: 65_000, chunk: 1480)
    let outcomes = Self.feed(fragments, decoder: decoder)
    #expect(outcomes.last == Self.expected(payload))
    #expect(decoder.datagramsInProgress == 0)
  }

  @Test("expiry drops a stale datagram even when capture times ran backwards")
  func staleFoundOutOfOrder() {
    let decoder = DatagramDecoder()
    let (_, a) = Self.fragments(identification: 1)
    let (_, b) = Self.fragments(identification: 2)
    #expect(
      TestInput.decode(b[0], linkType: .ipv4, timestamp: 50_000_000_000, decoder: decoder) == .held)
    #expect(TestInput.decode(a[0], linkType: .ipv4, timestamp: 0, decoder: decoder) == .held)
    // b is the oldest by arrival and not stale at 40 s; a is, and is dropped when touched.
    #expect(
      TestInput.decode(a[1], linkType: .ipv4, timestamp: 40_000_000_000, decoder: decoder) == .held)
    #expect(decoder.incompleteDatagramsExpired == 1)
    #expect(decoder.fragmentsSkipped[.expiredFragment] == 1)
  }

  /// A UDP datagram of `size` payload bytes cut into IPv6 fragments of `chunk` bytes.
  static func ipv6Fragments(
    identification: UInt32 = 0xDEAD_BEEF, size: Int = 3000, chunk: Int = 1232,
    extensions: [UInt8] = []
  ) -> (payload: [UInt8], fragments: [[UInt8]]) {
    let payload = (0..<size).map { UInt8(truncatingIfNeeded: $0 &* 5 &+ Int(identification)) }
    let part = extensions + B.udp(payload: payload)
    var fragments: [[UInt8]] = []
    var offset = 0
    let next: UInt8 = extensions.isEmpty ? 17 : 60
    while offset < part.count {
      let end = min(offset + chunk, part.count)
      let field = UInt16(offset) | (end < part.count ? 1 : 0)
      fragments.append(
        B.ipv6(
          nextHeader: 44,
          payload: [next, 0] + B.u16(field) + B.u32(identification) + Array(part[offset..<end])))
      offset = end
    }
    return (payload, fragments)
  }

  static func expected6(_ payload: [UInt8]) -> Decoded {
    .datagram(
      ReadDatagram(
        source: Endpoint(
          address: .v6(IPv6Address(bytes: B.ipv6Source.withUnsafeBytes { $0 })), port: 5004),
        destination: Endpoint(
          address: .v6(IPv6Address(bytes: B.ipv6Destination.withUnsafeBytes { $0 })), port: 5006),
        payload: payload))
  }

  static func feed6(_ packets: [[UInt8]], decoder: DatagramDecoder) -> [Decoded] {
    packets.map { TestInput.decode($0, linkType: .ipv6, decoder: decoder) }
  }

  @Test("IPv6 fragments in any order make one datagram", arguments: orders)
  func ipv6AnyOrder(name: String, order: [Int]) {
    let (payload, fragments) = Self.ipv6Fragments(size: 4000, chunk: 1200)
    #expect(fragments.count == 4)
    let decoder = DatagramDecoder()
    let outcomes = Self.feed6(order.map { fragments[$0] }, decoder: decoder)
    #expect(outcomes.last == Self.expected6(payload), "\(name)")
    let duplicates = outcomes.filter { $0 == .skipped(.duplicateIPv6Fragment) }.count
    #expect(duplicates == order.count - Set(order).count)
    #expect(decoder.fragmentsReassembled == 3)
    #expect(decoder.datagramsInProgress == 0)
  }

  @Test("IPv6 fragments whose fragmentable part starts with destination options")
  func ipv6Extensions() {
    let options: [UInt8] = [17, 1] + [UInt8](repeating: 1, count: 14)
    let (payload, fragments) = Self.ipv6Fragments(size: 2000, chunk: 1000, extensions: options)
    let outcomes = Self.feed6(fragments.reversed(), decoder: DatagramDecoder())
    #expect(outcomes.last == Self.expected6(payload))
  }

  @Test("an IPv6 overlap drops the datagram (RFC 5722), even with the same bytes")
  func ipv6Overlap() {
    let part = B.udp(payload: (0..<2000).map { UInt8(truncatingIfNeeded: $0) })
    func fragment(_ start: Int, _ end: Int, more: Bool) -> [UInt8] {
      B.ipv6(
        nextHeader: 44,
        payload: [17, 0] + B.u16(UInt16(start) | (more ? 1 : 0)) + B.u32(9)
          + Array(part[start..<end]))
    }
    let decoder = DatagramDecoder()
    let outcomes = Self.feed6(
      [
        fragment(0, 1000, more: true), fragment(800, 1600, more: true),
        fragment(1600, part.count, more: false),
      ],
      decoder: decoder)
    #expect(outcomes == [.held, .skipped(.inconsistentIPv6Fragment), .held])
    #expect(decoder.fragmentsSkipped[.inconsistentIPv6Fragment] == 1)
    #expect(decoder.fragmentsSkipped[.incompleteIPv6Fragment] == 1)
    // A repeat with other bytes is inconsistent too.
    var liar = fragment(0, 1000, more: true)
    liar[liar.count - 1] ^= 1
    let again = Self.feed6([fragment(0, 1000, more: true), liar], decoder: decoder)
    #expect(again == [.held, .skipped(.inconsistentIPv6Fragment)])
  }

  @Test("IPv4 and IPv6 fragments with the same identification stay apart")
  func familiesApart() {
    let (payload4, fragments4) = Self.fragments(identification: 7, size: 1200, chunk: 504)
    let (payload6, fragments6) = Self.ipv6Fragments(identification: 7, size: 1200, chunk: 504)
    let decoder = DatagramDecoder()
    #expect(TestInput.decode(fragments4[0], linkType: .ipv4, decoder: decoder) == .held)
    #expect(TestInput.decode(fragments6[0], linkType: .ipv6, decoder: decoder) == .held)
    #expect(TestInput.decode(fragments4[1], linkType: .ipv4, decoder: decoder) == .held)
    #expect(TestInput.decode(fragments6[1], linkType: .ipv6, decoder: decoder) == .held)
    #expect(
      TestInput.decode(fragments6[2], linkType: .ipv6, decoder: decoder) == Self.expected6(payload6)
    )
    #expect(
      TestInput.decode(fragments4[2], linkType: .ipv4, decoder: decoder) == Self.expected(payload4))
  }

  @Test("every fragment read is reassembled or skipped with a reason, through the reader")
  func readerAccounting() throws {
    let (payload, good) = Self.fragments(identification: 1, size: 3000)
    let (_, lost) = Self.fragments(identification: 2, size: 3000)
    let (_, bad) = Self.fragments(identification: 3, size: 3000)
    var liar = bad[1]
    liar[liar.count - 1] ^= 0xFF
    let (payload6, good6) = Self.ipv6Fragments(size: 3000)
    let packets = good + [lost[0]] + [bad[0], bad[1], liar] + good6 + [good6[0]]
    var file = B.pcapHeader(linkType: 101)
    for packet in packets { file += B.pcapRecord(seconds: 1, fraction: 0, data: packet) }
    let result = try TestInput.datagrams(file)
    #expect(result.datagrams.map(\.payload) == [payload, payload6])
    #expect(result.recordsRead == packets.count)
    #expect(result.skipped[.incompleteFragment] == 1)
    #expect(result.skipped[.inconsistentFragment] == 3)
    #expect(result.skipped[.incompleteIPv6Fragment] == 1)
    #expect(result.skipped.total == 5)
    try TestInput.withSource(file) { source in
      let reader = try DatagramReader(source: source)
      while try reader.next() != nil {}
      #expect(reader.fragmentsReassembled == (good.count - 1) + (good6.count - 1))
      #expect(
        reader.datagramsReturned + reader.fragmentsReassembled + reader.skipped.total
          == reader.recordsRead)
    }
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
