import RTPCore
import Testing

@Suite("CaptureReader")
struct CaptureReaderTests {
  typealias B = CaptureBytes

  static let packets = (1...3).map { sequence in
    B.ethernet(
      type: 0x0800,
      payload: B.ipv4(payload: B.udp(payload: B.rtp(sequence: UInt16(sequence)))))
  }

  @Test(
    "pcap in both byte orders with µs and ns timestamps",
    arguments: [(false, false), (true, false), (false, true), (true, true)])
  func pcapVariants(bigEndian: Bool, nanoseconds: Bool) throws {
    var file = B.pcapHeader(bigEndian: bigEndian, nanoseconds: nanoseconds, linkType: 1)
    for (index, packet) in Self.packets.enumerated() {
      file += B.pcapRecord(
        bigEndian: bigEndian, seconds: 1_700_000_000 + UInt32(index), fraction: 123_456,
        data: packet)
    }
    let result = try TestInput.records(file)
    #expect(result.error == nil)
    #expect(result.format == .pcap)
    #expect(result.records.map(\.bytes) == Self.packets)
    #expect(result.records.map(\.index) == [1, 2, 3])
    #expect(result.records.map(\.linkType) == [.ethernet, .ethernet, .ethernet])
    #expect(result.records.first?.offset == 24)
    let fraction: Int64 = nanoseconds ? 123_456 : 123_456_000
    #expect(result.records.last?.timestamp == 1_700_000_002 * 1_000_000_000 + fraction)
  }

  @Test("pcap link type keeps only the low 16 bits (FCS flags in the upper bits)")
  func pcapLinkTypeMask() throws {
    let file =
      B.pcapHeader(linkType: 0x1000_0000 | 0x0400_0000 | 113)
      + B.pcapRecord(seconds: 1, fraction: 0, data: [1, 2, 3])
    let result = try TestInput.records(file)
    #expect(result.records.first?.linkType == .linuxSLL)
  }

  @Test("pcap caplen beyond snaplen is an error naming the record, after the good records")
  func pcapCaplenBeyondSnaplen() throws {
    let good = B.pcapRecord(seconds: 1, fraction: 0, data: Self.packets[0])
    let file =
      B.pcapHeader(snaplen: 65_535) + good
      + B.pcapRecord(seconds: 2, fraction: 0, data: [], caplen: 0xFFFF_FFFF)
    let result = try TestInput.records(file)
    #expect(result.records.count == 1)
    #expect(
      result.error?.description
        == "record 2 at byte \(24 + good.count): caplen 4294967295 exceeds snaplen 65535")
  }

  @Test("pcap with snaplen 0 or huge enforces 262144", arguments: [UInt32(0), 0xFFFF_FFFF])
  func pcapSnaplenLimit(snaplen: UInt32) throws {
    let file =
      B.pcapHeader(snaplen: snaplen)
      + B.pcapRecord(seconds: 1, fraction: 0, data: [], caplen: 262_145)
    let result = try TestInput.records(file)
    #expect(
      result.error
        == .caplenExceedsSnaplen(
          at: .record(index: 1, offset: 24), caplen: 262_145, snaplen: 262_144))
  }

  @Test("pcap truncated at every byte offset: good records first, then the right error")
  func pcapTruncatedEverywhere() throws {
    var file = B.pcapHeader()
    var ends: [Int] = []
    for (index, packet) in Self.packets.enumerated() {
      file += B.pcapRecord(seconds: UInt32(index), fraction: 0, data: packet)
      ends.append(file.count)
    }
    for length in 0..<file.count {
      let result = try TestInput.records(Array(file[0..<length]))
      let complete = ends.filter { $0 <= length }.count
      #expect(result.records.count == complete, "prefix \(length)")
      switch length {
      case 0:
        #expect(result.error == .emptyInput)
      case 1..<4:
        #expect(result.error == .unrecognizedFormat(prefix: Array(file[0..<length])))
      case 4..<24:
        #expect(
          result.error
            == .truncated(
              at: .fileHeader(format: .pcap, offset: 0), got: length, expected: 24))
      default:
        let recordStart = complete == 0 ? 24 : ends[complete - 1]
        if length == recordStart {
          #expect(result.error == nil, "prefix \(length)")
        } else {
          let got = length - recordStart
          let expected = got < 16 ? 16 : 16 + Self.packets[complete].count
          #expect(
            result.error
              == .truncated(
                at: .record(index: complete + 1, offset: UInt64(recordStart)), got: got,
                expected: expected), "prefix \(length)")
        }
      }
    }
  }

  @Test("truncated record message reads like the tools print it")
  func truncatedMessage() {
    let error = CaptureError.truncated(at: .record(index: 3, offset: 120), got: 58, expected: 214)
    #expect(error.description == "record 3 at byte 120: truncated: 58 of 214 bytes")
  }

  @Test("empty input and unknown formats are named errors")
  func unknownInput() throws {
    #expect(try TestInput.records([]).error?.description == "empty input")
    let elf: [UInt8] = [0x7F, 0x45, 0x4C, 0x46, 2, 1, 1, 0]
    #expect(
      try TestInput.records(elf).error?.description
        == "byte 0: not a pcap, pcapng or rtpdump capture (starts 0x7f454c46)")
  }

  @Test("random bytes never trap and end in an error or a clean end", arguments: 0..<64)
  func randomBytes(seed: Int) throws {
    var generator = SplitMix(seed: UInt64(seed))
    let magics: [[UInt8]] = [
      [], B.pcapHeader(), B.pcapHeader(bigEndian: true), B.sectionHeader(),
      B.sectionHeader() + B.interfaceDescription(), B.sectionHeader(bigEndian: true),
      Array("#!rtpplay1.0 1.2.3.4/5\n".utf8),
    ]
    let prefix = magics[seed % magics.count]
    let noise = (0..<(Int(generator.next() % 3000))).map { _ in
      UInt8(truncatingIfNeeded: generator.next())
    }
    _ = try TestInput.records(prefix + noise)
    _ = try TestInput.datagrams(prefix + noise)
  }

  // MARK: pcapng

  @Test("pcapng in both byte orders: two sections, two interfaces, an unknown block")
  func pcapngSections() throws {
    for bigEndian in [false, true] {
      let a = Self.packets[0]
      let b = B.ipv4(payload: B.udp(payload: B.rtp(sequence: 9)))
      let file =
        B.sectionHeader(bigEndian: bigEndian)
        + B.interfaceDescription(bigEndian: bigEndian, linkType: 1)
        + B.interfaceDescription(bigEndian: bigEndian, linkType: 101, resolution: 9)
        + B.block(type: 0x0BAD, body: [1, 2, 3, 4, 5], bigEndian: bigEndian)
        + B.enhancedPacket(bigEndian: bigEndian, interface: 0, ticks: 1_000_001, data: a)
        + B.enhancedPacket(bigEndian: bigEndian, interface: 1, ticks: 2_000_000_003, data: b)
        + B.sectionHeader(bigEndian: !bigEndian)
        + B.interfaceDescription(bigEndian: !bigEndian, linkType: 228, offsetSeconds: 100)
        + B.enhancedPacket(bigEndian: !bigEndian, interface: 0, ticks: 5, data: b)
      let result = try TestInput.records(file)
      #expect(result.error == nil)
      #expect(result.format == .pcapng)
      #expect(result.records.map(\.bytes) == [a, b, b])
      #expect(result.records.map(\.linkType) == [.ethernet, .raw, .ipv4])
      #expect(result.records.map(\.timestamp) == [1_000_001_000, 2_000_000_003, 100_000_005_000])
      #expect(result.records.map(\.index) == [1, 2, 3])
      let datagrams = try TestInput.datagrams(file)
      #expect(datagrams.datagrams.count == 3)
      #expect(datagrams.error == nil)
    }
  }

  @Test("pcapng interface from the previous section does not survive a new section header")
  func pcapngSectionResetsInterfaces() throws {
    let file =
      B.sectionHeader() + B.interfaceDescription() + B.sectionHeader()
      + B.enhancedPacket(ticks: 0, data: [1])
    let result = try TestInput.records(file)
    #expect(result.records.isEmpty)
    #expect(
      result.error?.description
        == "block 4 at byte 76: interface 0 does not exist (section has 0)")
  }

  static let resolutions: [(UInt8, UInt64, Int64)] = [
    (6, 7, 7_000), (9, 7, 7), (3, 7, 7_000_000), (0, 7, 7_000_000_000), (12, 7_000, 7),
    (0x80 | 10, 1024, 1_000_000_000), (0x80 | 0, 2, 2_000_000_000), (0x80 | 127, UInt64.max, 0),
    (127, UInt64.max, 0), (9, 1 << 62 - 1, 1 << 62 - 1),
  ]

  /// Resolution, offset and ticks at and past the ends of CaptureTime's range (±2^62 ns), and
  /// whether the time is representable.
  static let timeRangeEdges: [(UInt8, Int64, UInt64, Bool)] = [
    (9, 0, 1 << 62 - 1, true), (9, 0, 1 << 62, false), (9, -4_611_686_018, 0, true),
    (9, -4_611_686_019, 0, false), (9, -4_611_686_019, 572_612_096, true),
    (0, 0, UInt64.max, false), (0x80, 0, UInt64.max, false), (6, 0, UInt64.max, false),
    (9, .max, 0, false), (9, .min, UInt64.max, false), (0, 4_611_686_018, 0, true),
  ]

  @Test(
    "pcapng times outside CaptureTime's range: the record refused, the ones before kept",
    arguments: timeRangeEdges)
  func pcapngTimeRange(resolution: UInt8, offsetSeconds: Int64, ticks: UInt64, fits: Bool)
    throws
  {
    let file =
      B.sectionHeader() + B.interfaceDescription()
      + B.interfaceDescription(resolution: resolution, offsetSeconds: offsetSeconds)
      + B.enhancedPacket(ticks: 0, data: [1])
      + B.enhancedPacket(interface: 1, ticks: ticks, data: [2])
    let result = try TestInput.records(file)
    if fits {
      #expect(result.error == nil)
      #expect(result.records.count == 2)
      let expected =
        Int128(offsetSeconds) * 1_000_000_000 + Int128(ticks) * nanosecondsPerTick(resolution)
      #expect(result.records.last.map { Int128($0.timestamp) } == expected)
    } else {
      #expect(result.records.count == 1)
      guard case .timestampOutOfRange(at: .record(index: 2, _)) = result.error else {
        Issue.record("expected record 2 out of range, got \(String(describing: result.error))")
        return
      }
      #expect(result.error?.description.hasSuffix(": timestamp out of range") == true)
    }
  }

  private func nanosecondsPerTick(_ resolution: UInt8) -> Int128 {
    switch resolution {
    case 0: return 1_000_000_000
    case 6: return 1_000
    default: return 1
    }
  }

  @Test("pcapng timestamp resolutions", arguments: resolutions)
  func pcapngResolution(resolution: UInt8, ticks: UInt64, nanoseconds: Int64) throws {
    let file =
      B.sectionHeader() + B.interfaceDescription(resolution: resolution)
      + B.enhancedPacket(ticks: ticks, data: [1])
    #expect(try TestInput.records(file).records.first?.timestamp == nanoseconds)
  }

  @Test("pcapng simple and obsolete packet blocks")
  func pcapngSimpleAndObsolete() throws {
    let file =
      B.sectionHeader() + B.interfaceDescription(snaplen: 4)
      + B.obsoletePacket(ticks: 3, data: [9, 9, 9])
      + B.simplePacket(data: [1, 2, 3, 4, 5, 6])
    let result = try TestInput.records(file)
    #expect(result.error == nil)
    #expect(result.records.map(\.bytes) == [[9, 9, 9], [1, 2, 3, 4]])
    #expect(result.records.map(\.originalLength) == [3, 6])
    #expect(result.records.map(\.timestamp) == [3_000, 3_000])
  }

  @Test(
    "pcapng hostile block lengths are errors",
    arguments: [
      (UInt32(0), "block length 0 is not a multiple of 4 of at least 12"),
      (13, "block length 13 is not a multiple of 4 of at least 12"),
      (0xFFFF_FFFF, "block length 4294967295 is not a multiple of 4 of at least 12"),
      (0xFFFF_FFFC, "block length 4294967292 exceeds the limit of 16777216"),
    ])
  func pcapngBadLengths(length: UInt32, reason: String) throws {
    let header = B.sectionHeader() + B.interfaceDescription()
    let good = B.enhancedPacket(ticks: 0, data: [1, 2, 3, 4])
    let file =
      header + good + B.u32(6, bigEndian: false) + B.u32(length, bigEndian: false)
      + [UInt8](repeating: 0, count: 40)
    let result = try TestInput.records(file)
    #expect(result.records.count == 1)
    #expect(
      result.error
        == .malformed(
          at: .block(index: 4, offset: UInt64(header.count + good.count)),
          reason: reason))
  }

  @Test("pcapng trailer mismatch, in a packet block and in a skipped block")
  func pcapngTrailerMismatch() throws {
    for type: UInt32 in [6, 0x0BAD] {
      var block = B.block(
        type: type, body: B.u32(0, bigEndian: false) + [UInt8](repeating: 0, count: 20))
      block[block.count - 4] ^= 0x10
      let file = B.sectionHeader() + B.interfaceDescription() + block
      let result = try TestInput.records(file)
      #expect(result.error?.description.contains("trailing block length 52 differs") == true)
    }
  }

  @Test("pcapng EPB caplen beyond the block or the interface's snaplen")
  func pcapngCaplenLies() throws {
    let header = B.sectionHeader() + B.interfaceDescription(snaplen: 100)
    let overrun = B.enhancedPacket(ticks: 0, data: [1, 2, 3, 4], caplen: 40)
    #expect(
      try TestInput.records(header + overrun).error?.description
        == "block 3 at byte 48: captured length 40 overruns the block length 36")
    let huge = B.enhancedPacket(ticks: 0, data: [1, 2, 3, 4], caplen: 0xFFFF_FFFF)
    #expect(
      try TestInput.records(header + huge).error
        == .caplenExceedsSnaplen(
          at: .block(index: 3, offset: 48), caplen: 0xFFFF_FFFF, snaplen: 100))
  }

  @Test("pcapng truncated at every byte offset")
  func pcapngTruncatedEverywhere() throws {
    var file = B.sectionHeader() + B.interfaceDescription()
    var packetEnds: [Int] = []
    var blockEnds = [B.sectionHeader().count, file.count]
    file += B.block(type: 0x0BAD, body: [1, 2, 3])
    blockEnds.append(file.count)
    for (index, packet) in Self.packets.enumerated() {
      file += B.enhancedPacket(ticks: UInt64(index), data: packet)
      packetEnds.append(file.count)
      blockEnds.append(file.count)
    }
    for length in 4..<file.count {
      let result = try TestInput.records(Array(file[0..<length]))
      #expect(result.records.count == packetEnds.filter { $0 <= length }.count, "\(length)")
      if blockEnds.contains(length) {
        #expect(result.error == nil, "\(length)")
      } else {
        let start = blockEnds.last { $0 < length } ?? 0
        let index = blockEnds.filter { $0 < length }.count + 1
        guard case .truncated(let location, let got, _) = result.error else {
          Issue.record("prefix \(length): \(String(describing: result.error))")
          continue
        }
        #expect(location == .block(index: index, offset: UInt64(start)), "\(length)")
        #expect(got == length - start, "\(length)")
      }
    }
  }

  // MARK: rtpdump

  @Test("rtpdump records carry endpoints, offsets from the start and RTCP records")
  func rtpdump() throws {
    let rtp = B.rtp(sequence: 1)
    let rtcp: [UInt8] = [0x81, 200, 0, 1, 1, 2, 3, 4]
    let file =
      B.rtpdumpHeader(seconds: 1_000, microseconds: 250, source: 0xC000_0201, port: 4000)
      + B.rtpdumpRecord(milliseconds: 20, data: rtp)
      + B.rtpdumpRecord(milliseconds: 1_500, data: rtcp, packetLength: 0)
      + B.rtpdumpRecord(milliseconds: 40, data: Array(rtp[0..<12]), packetLength: 172)
    let result = try TestInput.records(file)
    #expect(result.error == nil)
    #expect(result.format == .rtpdump)
    #expect(result.records.map(\.bytes) == [rtp, rtcp, Array(rtp[0..<12])])
    #expect(result.records.map(\.originalLength) == [rtp.count, 8, 172])
    #expect(
      result.records.map(\.timestamp) == [
        1_000_020_250_000, 1_001_500_250_000, 1_000_040_250_000,
      ])
    let source = Endpoint("192.0.2.1:4000")!
    let destination = Endpoint("10.0.0.2:5004")!
    #expect(result.records.first?.endpoints == [source, destination])
    let datagrams = try TestInput.datagrams(file)
    #expect(
      datagrams.datagrams.first
        == ReadDatagram(
          timestamp: 1_000_020_250_000, source: source, destination: destination, payload: rtp))
    // The header-only record is not a packet to hand on: skipped as cut short.
    #expect(datagrams.datagrams.count == 2)
    #expect(datagrams.skipped[.truncatedPayload] == 1)
    let kept = try TestInput.withSource(file) { source in
      let reader = try DatagramReader(source: source, keepsTruncatedDatagrams: true)
      var kept: [(payload: Int, length: Int)] = []
      while let datagram = try reader.next() {
        kept.append((datagram.payload.count, datagram.length))
      }
      return kept
    }
    #expect(kept.map(\.payload) == [rtp.count, rtcp.count, 12])
    #expect(kept.map(\.length) == [rtp.count, rtcp.count, 172])
  }

  @Test("rtpdump with an IPv6 destination line")
  func rtpdumpIPv6() throws {
    let file =
      B.rtpdumpHeader(
        line: "#!rtpplay1.0 2001:db8::2/5004\n", seconds: 0, microseconds: 0,
        source: 0, port: 0) + B.rtpdumpRecord(milliseconds: 0, data: [1])
    #expect(
      try TestInput.records(file).records.first?.endpoints.last == Endpoint("[2001:db8::2]:5004"))
  }

  static let rtpdumpStart = B.rtpdumpHeader(seconds: 0, microseconds: 0, source: 0, port: 0)
  static let rtpdumpDamages: [([UInt8], String)] = [
    (
      Array("#!rtpplay1.0 nowhere\n".utf8), "rtpdump header at byte 0: bad address/port \"nowhere\""
    ),
    (Array("#!rtpplay2.0 1.2.3.4/5\n".utf8), "rtpdump header at byte 0: not an rtpplay1.0 line"),
    (Array("#!rtpplay1.0 1.2.3.4/5".utf8), "rtpdump header at byte 0: truncated: 22 of 23 bytes"),
    (
      B.cat(Array("#!rtpplay1.0 1.2.3.4/5\n".utf8), [0, 0]),
      "rtpdump header at byte 23: truncated: 2 of 16 bytes"
    ),
    (
      B.cat(rtpdumpStart, [0, 4, 0, 0, 0, 0, 0, 0]),
      "record 1 at byte 43: record length 4 is shorter than its 8-byte header"
    ),
    (
      B.cat(rtpdumpStart, [0xFF, 0xFF, 0, 0, 0, 0, 0, 0, 1]),
      "record 1 at byte 43: truncated: 9 of 65535 bytes"
    ),
  ]

  @Test("rtpdump damaged headers and records", arguments: rtpdumpDamages)
  func rtpdumpDamage(file: [UInt8], message: String) throws {
    let error = try TestInput.records(file).error
    #expect(error?.description == message)
  }
}

/// A small deterministic generator for the random-input tests.
struct SplitMix: RandomNumberGenerator {
  var state: UInt64
  init(seed: UInt64) { state = seed }
  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
}
