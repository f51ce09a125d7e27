import RTPCore
import Testing

@Suite("DatagramDecoder")
struct DatagramDecoderTests {
  typealias B = CaptureBytes

  static let payload = B.rtp(sequence: 7)
  static let udp = B.udp(payload: payload)
  static let ipv4 = B.ipv4(payload: udp)
  static let ipv6 = B.ipv6(payload: udp)
  static let v4Source = Endpoint("10.0.0.1:5004")!
  static let v4Destination = Endpoint("10.0.0.2:5006")!
  static let v6Source = Endpoint("[2001:db8::1]:5004")!
  static let v6Destination = Endpoint("[2001:db8::2]:5006")!

  static let v4Expected = Decoded.datagram(
    ReadDatagram(source: v4Source, destination: v4Destination, payload: payload))
  static let v6Expected = Decoded.datagram(
    ReadDatagram(source: v6Source, destination: v6Destination, payload: payload))

  static let sll: [UInt8] = B.cat([0, 0, 0, 1, 0, 6, 1, 2, 3, 4, 5, 6, 0, 0], B.u16(0x0800))
  static let sll6: [UInt8] = B.cat([0, 0, 0, 1, 0, 6, 1, 2, 3, 4, 5, 6, 0, 0], B.u16(0x86DD))
  static let sll2: [UInt8] = B.cat(
    B.u16(0x0800), [0, 0, 0, 0, 0, 2, 0, 1, 0, 6], [UInt8](repeating: 0, count: 8))

  static let linkTypes: [(String, LinkType, [UInt8], Decoded)] = [
    ("ethernet v4", .ethernet, B.ethernet(type: 0x0800, payload: ipv4), v4Expected),
    ("ethernet v6", .ethernet, B.ethernet(type: 0x86DD, payload: ipv6), v6Expected),
    ("802.1Q", .ethernet, B.ethernet(type: 0x0800, tags: [0x8100], payload: ipv4), v4Expected),
    (
      "QinQ 88a8", .ethernet, B.ethernet(type: 0x86DD, tags: [0x88A8, 0x8100], payload: ipv6),
      v6Expected
    ),
    (
      "QinQ 9100 x3", .ethernet,
      B.ethernet(type: 0x0800, tags: [0x9100, 0x8100, 0x8100], payload: ipv4), v4Expected
    ),
    (
      "ethernet padding", .ethernet, B.ethernet(type: 0x0800, payload: ipv4 + [0, 0, 0, 0]),
      v4Expected
    ),
    (
      "ARP", .ethernet, B.ethernet(type: 0x0806, payload: [UInt8](repeating: 0, count: 28)),
      .skipped(.notIP)
    ),
    ("802.3 length", .ethernet, B.ethernet(type: 0x0040, payload: ipv4), .skipped(.notIP)),
    ("short ethernet", .ethernet, [1, 2, 3], .skipped(.truncated)),
    (
      "tag cut off", .ethernet, B.cat([UInt8](repeating: 0, count: 12), [0x81, 0, 0]),
      .skipped(.truncated)
    ),
    ("raw v4", .raw, ipv4, v4Expected),
    ("raw v6", .raw, ipv6, v6Expected),
    ("raw 12", .rawLegacy12, ipv4, v4Expected),
    ("raw 14", .rawLegacy14, ipv6, v6Expected),
    ("raw other", .raw, [0x20, 0, 0], .skipped(.notIP)),
    ("raw empty", .raw, [], .skipped(.truncated)),
    ("null LE v4", .null, B.cat(B.u32(2, bigEndian: false), ipv4), v4Expected),
    ("null BE v4", .null, B.cat(B.u32(2), ipv4), v4Expected),
    ("null LE 24", .null, B.cat(B.u32(24, bigEndian: false), ipv6), v6Expected),
    ("null LE 28", .null, B.cat(B.u32(28, bigEndian: false), ipv6), v6Expected),
    ("null BE 30", .null, B.cat(B.u32(30), ipv6), v6Expected),
    ("null other", .null, B.cat(B.u32(7, bigEndian: false), ipv4), .skipped(.notIP)),
    ("loop v4", .loop, B.cat(B.u32(2), ipv4), v4Expected),
    ("loop v6", .loop, B.cat(B.u32(24), ipv6), v6Expected),
    ("sll v4", .linuxSLL, B.cat(sll, ipv4), v4Expected),
    ("sll v6", .linuxSLL, B.cat(sll6, ipv6), v6Expected),
    ("sll short", .linuxSLL, Array(sll[0..<10]), .skipped(.truncated)),
    ("sll2 v4", .linuxSLL2, B.cat(sll2, ipv4), v4Expected),
    ("ipv4 228", .ipv4, ipv4, v4Expected),
    ("ipv6 229", .ipv6, ipv6, v6Expected),
    ("unknown", LinkType(rawValue: 147), ipv4, .skipped(.unknownLinkType)),
  ]

  @Test("every link type decodes to the same datagram", arguments: linkTypes)
  func decodesLinkType(name: String, linkType: LinkType, packet: [UInt8], expected: Decoded) {
    #expect(TestInput.decode(packet, linkType: linkType) == expected, "\(name)")
  }

  static let ipv4Lies: [(String, [UInt8], Decoded)] = [
    ("IHL 4", B.ipv4(payload: udp, versionAndLength: 0x44), .skipped(.malformedIPv4)),
    ("IHL 0", B.ipv4(payload: udp, versionAndLength: 0x40), .skipped(.malformedIPv4)),
    ("version 5", B.ipv4(payload: udp, versionAndLength: 0x55), .skipped(.malformedIPv4)),
    (
      "IHL beyond packet", B.ipv4(payload: [], totalLength: 60, versionAndLength: 0x4F),
      .skipped(.truncated)
    ),
    ("total below header", B.ipv4(payload: udp, totalLength: 19), .skipped(.malformedIPv4)),
    // In a record captured whole, an IP length past its end is a lie.
    ("total beyond capture", B.ipv4(payload: udp, totalLength: 1500), .skipped(.truncated)),
    ("total 65535", B.ipv4(payload: udp, totalLength: 0xFFFF), .skipped(.truncated)),
    ("options", B.ipv4(options: [1, 1, 1, 0], payload: udp), v4Expected),
    ("TCP", B.ipv4(proto: 6, payload: udp), .skipped(.notUDP)),
    ("short", Array(ipv4[0..<19]), .skipped(.truncated)),
    (
      "UDP length 7", B.ipv4(payload: B.udp(payload: payload, lengthField: 7)),
      .skipped(.malformedUDP)
    ),
    (
      "UDP length beyond IP", B.ipv4(payload: B.udp(payload: payload, lengthField: 0xFFFF)),
      .skipped(.malformedUDP)
    ),
    ("UDP header cut", B.ipv4(payload: [0, 1, 2]), .skipped(.malformedUDP)),
    (
      "UDP shorter than IP",
      B.ipv4(
        payload: B.udp(payload: payload + [9, 9])
          .enumerated().map { $0.offset == 5 ? UInt8(8 + payload.count) : $0.element }),
      v4Expected
    ),
  ]

  /// Records the capture cut short (their original length beyond the bytes kept), by a decoder
  /// that does not keep truncated datagrams.
  static let snappedCases: [(String, LinkType, [UInt8], Decoded)] = [
    ("IPv4, UDP whole", .ipv4, B.ipv4(payload: udp, totalLength: 1500), v4Expected),
    (
      "IPv4, UDP cut short", .ipv4,
      B.ipv4(payload: B.udp(payload: payload, lengthField: 1480), totalLength: 1500),
      .skipped(.truncatedPayload)
    ),
    (
      "IPv4, UDP length beyond the IP total", .ipv4,
      B.ipv4(payload: B.udp(payload: payload, lengthField: 1490), totalLength: 1500),
      .skipped(.malformedUDP)
    ),
    (
      "IPv4, cut inside the UDP header", .ipv4,
      B.ipv4(payload: Array(udp[0..<5]), totalLength: 1500), .skipped(.truncated)
    ),
    (
      "IPv4, a first fragment cut short", .ipv4,
      B.ipv4(
        moreFragments: true, payload: B.udp(payload: payload, lengthField: 1480),
        totalLength: 1500),
      .skipped(.truncated)
    ),
    ("IPv6, UDP whole", .ipv6, B.ipv6(payload: udp, payloadLength: 2000), v6Expected),
    (
      "IPv6, UDP cut short", .ipv6,
      B.ipv6(payload: B.udp(payload: payload, lengthField: 2000), payloadLength: 2000),
      .skipped(.truncatedPayload)
    ),
    (
      "IPv6, cut inside the UDP header", .ipv6,
      B.ipv6(payload: Array(udp[0..<6]), payloadLength: 2000), .skipped(.truncated)
    ),
  ]

  @Test(
    "records cut short by the snaplen: a whole UDP datagram read, a cut one skipped as such",
    arguments: snappedCases)
  func snappedRecords(name: String, linkType: LinkType, packet: [UInt8], expected: Decoded) {
    #expect(
      TestInput.decode(packet, linkType: linkType, originalLength: 2048) == expected, "\(name)")
  }

  @Test("IPv4 and UDP length lies are counted skips", arguments: ipv4Lies)
  func ipv4LiesAreSkipped(name: String, packet: [UInt8], expected: Decoded) {
    #expect(TestInput.decode(packet, linkType: .ipv4) == expected, "\(name)")
  }

  static let hopByHop: [UInt8] = [17, 0, 1, 4, 0, 0, 0, 0]
  static let routing: [UInt8] = [60, 0, 0, 0, 0, 0, 0, 0]
  static let destination: [UInt8] = [17, 1] + [UInt8](repeating: 1, count: 14)
  static let authentication: [UInt8] = [17, 1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0]

  static let ipv6Cases: [(String, [UInt8], Decoded)] = [
    ("hop-by-hop", B.ipv6(nextHeader: 0, payload: hopByHop + udp), v6Expected),
    (
      "routing then destination options",
      B.ipv6(nextHeader: 43, payload: routing + destination + udp), v6Expected
    ),
    ("authentication header", B.ipv6(nextHeader: 51, payload: authentication + udp), v6Expected),
    (
      "atomic fragment (RFC 6946)",
      B.ipv6(nextHeader: 44, payload: [17, 0, 0, 0, 0, 0, 0, 1] + udp),
      v6Expected
    ),
    (
      "atomic fragment, then destination options",
      B.ipv6(nextHeader: 44, payload: [60, 0, 0, 0, 0, 0, 0, 1] + destination + udp), v6Expected
    ),
    (
      "first fragment, held",
      B.ipv6(nextHeader: 44, payload: [17, 0, 0, 1, 0, 0, 0, 1] + udp), .held
    ),
    (
      "fragment of TCP", B.ipv6(nextHeader: 44, payload: [6, 0, 0, 1, 0, 0, 0, 1] + udp),
      .skipped(.notUDP)
    ),
    (
      "two fragment headers",
      B.ipv6(
        nextHeader: 44, payload: [44, 0, 0, 0, 0, 0, 0, 1] + [17, 0, 0, 0, 0, 0, 0, 2] + udp),
      .skipped(.malformedIPv6)
    ),
    ("fragment header cut", B.ipv6(nextHeader: 44, payload: [17, 0, 0]), .skipped(.malformedIPv6)),
    (
      "fragment header past the capture",
      Array(B.ipv6(nextHeader: 44, payload: [17, 0, 0, 1, 0, 0, 0, 1] + udp).prefix(44)),
      .skipped(.truncated)
    ),
    ("TCP", B.ipv6(nextHeader: 6, payload: udp), .skipped(.notUDP)),
    ("no next header", B.ipv6(nextHeader: 59, payload: udp), .skipped(.notUDP)),
    ("jumbogram", B.ipv6(payload: udp, payloadLength: 0), .skipped(.malformedIPv6)),
    (
      "payload length beyond capture", B.ipv6(payload: udp, payloadLength: 2000),
      .skipped(.truncated)
    ),
    (
      "extension beyond payload", B.ipv6(nextHeader: 0, payload: [17, 200, 0, 0, 0, 0, 0, 0]),
      .skipped(.malformedIPv6)
    ),
    ("version 4 nibble", [0x40] + Array(ipv6.dropFirst()), .skipped(.malformedIPv6)),
    ("short", Array(ipv6[0..<39]), .skipped(.truncated)),
    (
      "UDP length lie", B.ipv6(payload: B.udp(payload: payload, lengthField: 3)),
      .skipped(.malformedUDP)
    ),
  ]

  @Test("IPv6 extension headers are walked to UDP", arguments: ipv6Cases)
  func ipv6ExtensionHeaders(name: String, packet: [UInt8], expected: Decoded) {
    #expect(TestInput.decode(packet, linkType: .ipv6) == expected, "\(name)")
  }

  @Test("truncating a good packet at every length never traps and never yields a datagram")
  func truncatedEverywhere() {
    let frames: [(LinkType, [UInt8])] = [
      (.ethernet, B.ethernet(type: 0x0800, tags: [0x8100], payload: Self.ipv4)),
      (
        .ethernet,
        B.ethernet(type: 0x86DD, payload: B.ipv6(nextHeader: 0, payload: Self.hopByHop + Self.udp))
      ),
      (.linuxSLL2, B.cat(Self.sll2, Self.ipv4)),
    ]
    for (linkType, frame) in frames {
      for length in 0..<frame.count {
        let outcome = TestInput.decode(Array(frame[0..<length]), linkType: linkType)
        if case .datagram = outcome { Issue.record("prefix \(length) decoded") }
      }
      #expect(TestInput.decode(frame, linkType: linkType) != .skipped(.truncated))
    }
  }

  @Test(
    "a decoder that keeps truncated datagrams returns every prefix holding the UDP header, cut short, with its length"
  )
  func truncatedKept() {
    let decoder = DatagramDecoder(keepsTruncatedDatagrams: true)
    let frames: [(LinkType, [UInt8], Int, Endpoint)] = [
      (
        .ethernet, B.ethernet(type: 0x0800, tags: [0x8100], payload: Self.ipv4), 18 + 20 + 8,
        Self.v4Destination
      ),
      (
        .ethernet,
        B.ethernet(type: 0x86DD, payload: B.ipv6(nextHeader: 0, payload: Self.hopByHop + Self.udp)),
        14 + 40 + 8 + 8, Self.v6Destination
      ),
      (.linuxSLL2, B.cat(Self.sll2, Self.ipv4), 20 + 20 + 8, Self.v4Destination),
    ]
    for (linkType, frame, payloadStart, destination) in frames {
      for length in payloadStart..<frame.count {
        frame[0..<length].withUnsafeBytes { bytes in
          let record = CaptureRecord(
            index: 1, offset: 0, timestamp: 0, linkType: linkType, originalLength: frame.count,
            bytes: bytes)
          guard case .datagram(let datagram) = decoder.decode(record) else {
            Issue.record("prefix \(length) of \(linkType) not kept")
            return
          }
          #expect(datagram.isTruncated)
          #expect(datagram.length == Self.payload.count)
          #expect(Array(datagram.payload) == Array(Self.payload[0..<(length - payloadStart)]))
          #expect(datagram.destination == destination)
        }
      }
      for length in 0..<payloadStart {
        if case .datagram = TestInput.decode(
          Array(frame[0..<length]), linkType: linkType, decoder: decoder,
          originalLength: frame.count)
        {
          Issue.record("prefix \(length) of \(linkType) decoded")
        }
      }
      guard
        case .datagram(let whole) = TestInput.decode(frame, linkType: linkType, decoder: decoder)
      else {
        Issue.record("whole \(linkType) frame not decoded")
        continue
      }
      #expect(whole.payload == Self.payload)
    }
  }

  @Test("an rtpdump record shorter than its packet is skipped, or kept as truncated")
  func rtpdumpHeaderOnly() {
    let header = Array(Self.payload[0..<12])
    header.withUnsafeBytes { bytes in
      let record = CaptureRecord(
        index: 1, offset: 0, timestamp: 0, linkType: .raw, originalLength: Self.payload.count,
        bytes: bytes, rtpdumpEndpoints: (Self.v4Source, Self.v4Destination))
      guard case .skipped(.truncatedPayload) = DatagramDecoder().decode(record) else {
        Issue.record("a header-only rtpdump record was not skipped")
        return
      }
      guard
        case .datagram(let datagram) = DatagramDecoder(keepsTruncatedDatagrams: true).decode(
          record)
      else {
        Issue.record("a header-only rtpdump record was not kept")
        return
      }
      #expect(datagram.isTruncated)
      #expect(datagram.length == Self.payload.count)
      #expect(datagram.payload.count == 12)
    }
  }

  @Test("random packets never trap", arguments: 0..<16)
  func randomPackets(seed: Int) {
    var generator = SplitMix(seed: UInt64(seed) &+ 1000)
    let decoder = DatagramDecoder()
    let linkTypes: [LinkType] = [
      .ethernet, .raw, .null, .loop, .linuxSLL, .linuxSLL2, .ipv4, .ipv6,
    ]
    for round in 0..<500 {
      var packet = (0..<Int(generator.next() % 200)).map { _ in
        UInt8(truncatingIfNeeded: generator.next())
      }
      // Make most of them look like IP so the deeper parsers see garbage too.
      if round % 2 == 0, !packet.isEmpty { packet[0] = round % 4 == 0 ? 0x45 : 0x60 }
      _ = TestInput.decode(
        packet, linkType: linkTypes[round % linkTypes.count], timestamp: Int64(round),
        decoder: decoder)
    }
  }

  @Test("datagram timestamps come from the record")
  func timestamp() {
    let outcome = TestInput.decode(Self.ipv4, linkType: .ipv4, timestamp: 42)
    guard case .datagram(let datagram) = outcome else {
      Issue.record("\(outcome)")
      return
    }
    #expect(datagram.timestamp == 42)
  }

  @Test("skip reasons have readable descriptions and the counters add up")
  func skipCounters() {
    #expect(SkipReason.notUDP.description == "not UDP")
    var counters = SkipCounters()
    counters.count(.notUDP)
    counters.count(.notUDP)
    counters.count(.truncated)
    #expect(counters[.notUDP] == 2)
    #expect(counters[.truncated] == 1)
    #expect(counters[.notIP] == 0)
    #expect(counters.total == 3)
    #expect(counters.nonZero.map(\.reason) == [.notUDP, .truncated])
  }
}
