/// Hand-built capture files and packets for the reader and decoder tests.
enum CaptureBytes {
  // MARK: Integers

  static func cat(_ parts: [UInt8]...) -> [UInt8] {
    parts.reduce(into: []) { $0 += $1 }
  }

  static func u16(_ value: UInt16, bigEndian: Bool = true) -> [UInt8] {
    let v = bigEndian ? value.bigEndian : value.littleEndian
    return withUnsafeBytes(of: v) { Array($0) }
  }

  static func u32(_ value: UInt32, bigEndian: Bool = true) -> [UInt8] {
    let v = bigEndian ? value.bigEndian : value.littleEndian
    return withUnsafeBytes(of: v) { Array($0) }
  }

  static func u64(_ value: UInt64, bigEndian: Bool = true) -> [UInt8] {
    let v = bigEndian ? value.bigEndian : value.littleEndian
    return withUnsafeBytes(of: v) { Array($0) }
  }

  // MARK: pcap

  static func pcapHeader(
    bigEndian: Bool = false, nanoseconds: Bool = false, linkType: UInt32 = 1,
    snaplen: UInt32 = 65_535
  ) -> [UInt8] {
    u32(nanoseconds ? 0xA1B2_3C4D : 0xA1B2_C3D4, bigEndian: bigEndian)
      + u16(2, bigEndian: bigEndian) + u16(4, bigEndian: bigEndian)
      + u32(0, bigEndian: bigEndian) + u32(0, bigEndian: bigEndian)
      + u32(snaplen, bigEndian: bigEndian) + u32(linkType, bigEndian: bigEndian)
  }

  static func pcapRecord(
    bigEndian: Bool = false, seconds: UInt32, fraction: UInt32, data: [UInt8],
    caplen: UInt32? = nil, originalLength: UInt32? = nil
  ) -> [UInt8] {
    u32(seconds, bigEndian: bigEndian) + u32(fraction, bigEndian: bigEndian)
      + u32(caplen ?? UInt32(data.count), bigEndian: bigEndian)
      + u32(originalLength ?? UInt32(data.count), bigEndian: bigEndian) + data
  }

  // MARK: pcapng

  static func block(type: UInt32, body: [UInt8], bigEndian: Bool = false) -> [UInt8] {
    var padded = body
    while padded.count % 4 != 0 { padded.append(0) }
    let length = UInt32(12 + padded.count)
    return u32(type, bigEndian: bigEndian) + u32(length, bigEndian: bigEndian) + padded
      + u32(length, bigEndian: bigEndian)
  }

  static func sectionHeader(bigEndian: Bool = false) -> [UInt8] {
    block(
      type: 0x0A0D_0D0A,
      body: u32(0x1A2B_3C4D, bigEndian: bigEndian) + u16(1, bigEndian: bigEndian)
        + u16(0, bigEndian: bigEndian) + u64(UInt64.max, bigEndian: bigEndian),
      bigEndian: bigEndian)
  }

  static func interfaceDescription(
    bigEndian: Bool = false, linkType: UInt16 = 1, snaplen: UInt32 = 0,
    resolution: UInt8? = nil, offsetSeconds: Int64? = nil
  ) -> [UInt8] {
    var body = u16(linkType, bigEndian: bigEndian) + u16(0) + u32(snaplen, bigEndian: bigEndian)
    if let resolution {
      body += u16(9, bigEndian: bigEndian) + u16(1, bigEndian: bigEndian) + [resolution, 0, 0, 0]
    }
    if let offsetSeconds {
      body +=
        u16(14, bigEndian: bigEndian) + u16(8, bigEndian: bigEndian)
        + u64(UInt64(bitPattern: offsetSeconds), bigEndian: bigEndian)
    }
    if resolution != nil || offsetSeconds != nil { body += [0, 0, 0, 0] }
    return block(type: 1, body: body, bigEndian: bigEndian)
  }

  static func enhancedPacket(
    bigEndian: Bool = false, interface: UInt32 = 0, ticks: UInt64, data: [UInt8],
    caplen: UInt32? = nil
  ) -> [UInt8] {
    block(
      type: 6,
      body: u32(interface, bigEndian: bigEndian) + u32(UInt32(ticks >> 32), bigEndian: bigEndian)
        + u32(UInt32(truncatingIfNeeded: ticks), bigEndian: bigEndian)
        + u32(caplen ?? UInt32(data.count), bigEndian: bigEndian)
        + u32(UInt32(data.count), bigEndian: bigEndian) + data,
      bigEndian: bigEndian)
  }

  static func obsoletePacket(
    bigEndian: Bool = false, interface: UInt16 = 0, ticks: UInt64, data: [UInt8]
  ) -> [UInt8] {
    block(
      type: 2,
      body: u16(interface, bigEndian: bigEndian) + u16(0, bigEndian: bigEndian)
        + u32(UInt32(ticks >> 32), bigEndian: bigEndian)
        + u32(UInt32(truncatingIfNeeded: ticks), bigEndian: bigEndian)
        + u32(UInt32(data.count), bigEndian: bigEndian)
        + u32(UInt32(data.count), bigEndian: bigEndian) + data,
      bigEndian: bigEndian)
  }

  static func simplePacket(bigEndian: Bool = false, data: [UInt8]) -> [UInt8] {
    block(type: 3, body: u32(UInt32(data.count), bigEndian: bigEndian) + data, bigEndian: bigEndian)
  }

  // MARK: rtpdump

  static func rtpdumpHeader(
    line: String = "#!rtpplay1.0 10.0.0.2/5004\n", seconds: UInt32, microseconds: UInt32,
    source: UInt32, port: UInt16
  ) -> [UInt8] {
    Array(line.utf8) + u32(seconds) + u32(microseconds) + u32(source) + u16(port) + u16(0)
  }

  static func rtpdumpRecord(milliseconds: UInt32, data: [UInt8], packetLength: UInt16? = nil)
    -> [UInt8]
  {
    u16(UInt16(8 + data.count)) + u16(packetLength ?? UInt16(data.count)) + u32(milliseconds)
      + data
  }

  // MARK: Packets

  /// A 12-byte RTP header and `payloadBytes` bytes of payload, tagged with `sequence`.
  static func rtp(sequence: UInt16, payloadBytes: Int = 20) -> [UInt8] {
    [0x80, 0x00] + u16(sequence) + u32(160 * UInt32(sequence)) + u32(0x1234_5678)
      + [UInt8](repeating: UInt8(truncatingIfNeeded: sequence), count: payloadBytes)
  }

  static func udp(
    sourcePort: UInt16 = 5004, destinationPort: UInt16 = 5006, payload: [UInt8],
    lengthField: UInt16? = nil
  ) -> [UInt8] {
    u16(sourcePort) + u16(destinationPort) + u16(lengthField ?? UInt16(8 + payload.count))
      + u16(0) + payload
  }

  static func ipv4(
    source: UInt32 = 0x0A00_0001, destination: UInt32 = 0x0A00_0002, proto: UInt8 = 17,
    identification: UInt16 = 1, moreFragments: Bool = false, fragmentOffset: Int = 0,
    options: [UInt8] = [], payload: [UInt8], totalLength: UInt16? = nil,
    versionAndLength: UInt8? = nil
  ) -> [UInt8] {
    let headerLength = 20 + options.count
    let flags = UInt16(moreFragments ? 0x2000 : 0) | UInt16(fragmentOffset / 8)
    let first: UInt8 = versionAndLength ?? UInt8(0x40 | headerLength / 4)
    let total: UInt16 = totalLength ?? UInt16(headerLength + payload.count)
    return cat(
      [first, 0], u16(total), u16(identification), u16(flags), [64, proto], u16(0), u32(source),
      u32(destination), options, payload)
  }

  static let ipv6Source: [UInt8] =
    [0x20, 0x01, 0x0D, 0xB8] + [UInt8](repeating: 0, count: 11) + [1]
  static let ipv6Destination: [UInt8] =
    [0x20, 0x01, 0x0D, 0xB8] + [UInt8](repeating: 0, count: 11) + [2]

  static func ipv6(
    nextHeader: UInt8 = 17, payload: [UInt8], payloadLength: UInt16? = nil
  ) -> [UInt8] {
    [0x60, 0, 0, 0] + u16(payloadLength ?? UInt16(payload.count)) + [nextHeader, 64] + ipv6Source
      + ipv6Destination + payload
  }

  static func ethernet(type: UInt16, tags: [UInt16] = [], payload: [UInt8]) -> [UInt8] {
    var frame: [UInt8] = [2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1]
    for tag in tags { frame += u16(tag) + u16(100) }
    return frame + u16(type) + payload
  }
}
