/// The Ethernet, IP and UDP headers of every frame from one source endpoint to one destination,
/// built once and then copied in front of each payload with only the per-packet fields patched.
///
/// IPv4 frames are Ethernet II + a 20-byte IPv4 header (DF set, TTL 64, a correct header
/// checksum) + UDP; IPv6 frames are Ethernet II + a 40-byte IPv6 header (hop limit 64) + UDP.
/// Both carry a correct UDP checksum. The MAC addresses are locally administered unicast
/// addresses made from the IP addresses (`02:` then the address's last five octets), so that
/// every host in a capture has its own.
///
/// When one endpoint is IPv4 and the other IPv6, the IPv4 address is written as its IPv4-mapped
/// IPv6 form (`::ffff:192.0.2.1`), the only way to put both in one packet.
struct FrameTemplate {
  /// The largest UDP payload an IPv4 packet can carry: 65535 − 20 (IPv4) − 8 (UDP).
  static let maximumIPv4PayloadLength = 65_507
  /// The largest UDP payload an IPv6 packet without a jumbo option can carry: 65535 − 8 (UDP).
  static let maximumIPv6PayloadLength = 65_527

  private static let ethernetLength = 14
  private static let ipv4Length = 20
  private static let ipv6Length = 40
  private static let udpLength = 8

  /// The header bytes; only the first `headerLength` are used.
  private var storage: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) = (
    0, 0, 0, 0, 0, 0, 0, 0
  )
  /// The endpoints these headers are for, as given (before any IPv4 mapping).
  let source: Endpoint
  let destination: Endpoint
  /// The length of the Ethernet, IP and UDP headers: 42 for IPv4, 62 for IPv6.
  let headerLength: Int
  /// Whether the frame carries IPv6.
  let isIPv6: Bool
  /// The largest payload these headers can describe.
  let maximumPayloadLength: Int
  /// The sum of the IPv4 header's fixed words (everything but total length, identification and
  /// the checksum itself); unused for IPv6.
  private let ipv4HeaderSum: InternetChecksum
  /// The sum of the UDP pseudo-header's addresses and next-header value and of the UDP ports.
  private let udpSum: InternetChecksum
  /// Where the UDP header begins in the frame.
  private let udpOffset: Int

  /// Builds the headers for datagrams from `source` to `destination`.
  init(source: Endpoint, destination: Endpoint) {
    let addresses: (source: IPAddress, destination: IPAddress)
    switch (source.address, destination.address) {
    case (.v4, .v4), (.v6, .v6):
      addresses = (source.address, destination.address)
    case (.v4(let v4), .v6):
      addresses = (.v6(Self.mapped(v4)), destination.address)
    case (.v6, .v4(let v4)):
      addresses = (source.address, .v6(Self.mapped(v4)))
    }
    var ipv4Sum = InternetChecksum()
    var udpSum = InternetChecksum()
    var storage = self.storage
    let ipOffset = Self.ethernetLength
    let udpOffset: Int
    let isIPv6: Bool
    switch addresses {
    case (.v4(let s), .v4(let d)):
      isIPv6 = false
      udpOffset = ipOffset + Self.ipv4Length
      withUnsafeMutableBytes(of: &storage) { bytes in
        Self.storeEthernet(bytes, source: addresses.source, destination: addresses.destination)
        bytes.storeBytes(of: UInt16(0x0800).bigEndian, toByteOffset: 12, as: UInt16.self)
        // Version 4, header length 5 words, DSCP/ECN 0.
        bytes[ipOffset] = 0x45
        // Flags: don't fragment; fragment offset 0.
        bytes.storeBytes(of: UInt16(0x4000).bigEndian, toByteOffset: ipOffset + 6, as: UInt16.self)
        bytes[ipOffset + 8] = 64  // TTL
        bytes[ipOffset + 9] = 17  // UDP
        bytes.storeBytes(of: s.rawValue.bigEndian, toByteOffset: ipOffset + 12, as: UInt32.self)
        bytes.storeBytes(of: d.rawValue.bigEndian, toByteOffset: ipOffset + 16, as: UInt32.self)
        ipv4Sum.add(bytes.baseAddress! + ipOffset, count: Self.ipv4Length)
        udpSum.add(bytes.baseAddress! + ipOffset + 12, count: 8)
      }
    case (.v6(let s), .v6(let d)):
      isIPv6 = true
      udpOffset = ipOffset + Self.ipv6Length
      withUnsafeMutableBytes(of: &storage) { bytes in
        Self.storeEthernet(bytes, source: addresses.source, destination: addresses.destination)
        bytes.storeBytes(of: UInt16(0x86DD).bigEndian, toByteOffset: 12, as: UInt16.self)
        // Version 6, traffic class 0, flow label 0.
        bytes[ipOffset] = 0x60
        bytes[ipOffset + 6] = 17  // next header: UDP
        bytes[ipOffset + 7] = 64  // hop limit
        bytes.storeBytes(of: s.high.bigEndian, toByteOffset: ipOffset + 8, as: UInt64.self)
        bytes.storeBytes(of: s.low.bigEndian, toByteOffset: ipOffset + 16, as: UInt64.self)
        bytes.storeBytes(of: d.high.bigEndian, toByteOffset: ipOffset + 24, as: UInt64.self)
        bytes.storeBytes(of: d.low.bigEndian, toByteOffset: ipOffset + 32, as: UInt64.self)
        udpSum.add(bytes.baseAddress! + ipOffset + 8, count: 32)
      }
    default:
      preconditionFailure("address families were made to match above")
    }
    withUnsafeMutableBytes(of: &storage) { bytes in
      bytes.storeBytes(of: source.port.bigEndian, toByteOffset: udpOffset, as: UInt16.self)
      bytes.storeBytes(of: destination.port.bigEndian, toByteOffset: udpOffset + 2, as: UInt16.self)
    }
    udpSum.add(word: 17)
    udpSum.add(word: source.port)
    udpSum.add(word: destination.port)

    self.source = source
    self.destination = destination
    self.isIPv6 = isIPv6
    self.headerLength = udpOffset + Self.udpLength
    self.maximumPayloadLength =
      isIPv6 ? Self.maximumIPv6PayloadLength : Self.maximumIPv4PayloadLength
    self.udpOffset = udpOffset
    self.ipv4HeaderSum = ipv4Sum
    self.udpSum = udpSum
    self.storage = storage
  }

  /// Whether these are the headers for `source` → `destination`.
  @inline(__always)
  func matches(source: Endpoint, destination: Endpoint) -> Bool {
    self.source == source && self.destination == destination
  }

  /// Writes the headers in front of a payload of `payloadLength` bytes already at
  /// `frame + headerLength`, with the lengths, the IPv4 identification and both checksums.
  ///
  /// `payloadLength` must not exceed ``maximumPayloadLength``.
  @inline(__always)
  func complete(frame: UnsafeMutableRawPointer, payloadLength: Int, identification: UInt16) {
    var payloadSum = InternetChecksum()
    payloadSum.add(UnsafeRawPointer(frame + headerLength), count: payloadLength)
    complete(
      frame: frame, payloadLength: payloadLength, identification: identification,
      payloadSum: payloadSum)
  }

  /// Copies `payload` behind the headers at `frame` and writes the headers, summing the payload
  /// for the UDP checksum as it is copied (one pass over its bytes).
  ///
  /// `payload.count` must not exceed ``maximumPayloadLength``.
  @inline(__always)
  func complete(
    frame: UnsafeMutableRawPointer, copying payload: UnsafeRawBufferPointer,
    identification: UInt16
  ) {
    var payloadSum = InternetChecksum()
    if let start = payload.baseAddress {
      payloadSum.addCopying(start, to: frame + headerLength, count: payload.count)
    }
    complete(
      frame: frame, payloadLength: payload.count, identification: identification,
      payloadSum: payloadSum)
  }

  /// ``complete(frame:payloadLength:identification:)`` with the payload's sum already taken.
  @inline(__always)
  private func complete(
    frame: UnsafeMutableRawPointer, payloadLength: Int, identification: UInt16,
    payloadSum: InternetChecksum
  ) {
    // 42 or 62 bytes, stored as the words they are kept in: cheaper than a call to memcpy (which
    // a loop here would be turned into) for so few, and with no copy of them to the stack.
    frame.storeBytes(of: storage.0, toByteOffset: 0, as: UInt64.self)
    frame.storeBytes(of: storage.1, toByteOffset: 8, as: UInt64.self)
    frame.storeBytes(of: storage.2, toByteOffset: 16, as: UInt64.self)
    frame.storeBytes(of: storage.3, toByteOffset: 24, as: UInt64.self)
    frame.storeBytes(of: storage.4, toByteOffset: 32, as: UInt64.self)
    if isIPv6 {
      frame.storeBytes(of: storage.5, toByteOffset: 40, as: UInt64.self)
      frame.storeBytes(of: storage.6, toByteOffset: 48, as: UInt64.self)
      let (first, next): (UInt32, UInt16) = Self.leadingBytes(of: storage.7)
      frame.storeBytes(of: first, toByteOffset: 56, as: UInt32.self)
      frame.storeBytes(of: next, toByteOffset: 60, as: UInt16.self)
    } else {
      let first: UInt16 = Self.leadingBytes(of: storage.5)
      frame.storeBytes(of: first, toByteOffset: 40, as: UInt16.self)
    }
    let udpLength = UInt16(truncatingIfNeeded: Self.udpLength + payloadLength)
    let ipOffset = Self.ethernetLength
    if isIPv6 {
      frame.storeBytes(of: udpLength.bigEndian, toByteOffset: ipOffset + 4, as: UInt16.self)
    } else {
      let totalLength = UInt16(truncatingIfNeeded: Self.ipv4Length + Self.udpLength + payloadLength)
      var sum = ipv4HeaderSum
      sum.add(word: totalLength)
      sum.add(word: identification)
      frame.storeBytes(of: totalLength.bigEndian, toByteOffset: ipOffset + 2, as: UInt16.self)
      frame.storeBytes(of: identification.bigEndian, toByteOffset: ipOffset + 4, as: UInt16.self)
      frame.storeBytes(of: sum.valueInMemoryOrder, toByteOffset: ipOffset + 10, as: UInt16.self)
    }
    frame.storeBytes(of: udpLength.bigEndian, toByteOffset: udpOffset + 4, as: UInt16.self)
    var sum = udpSum
    // The length appears twice: in the pseudo-header and in the UDP header.
    sum.add(word: udpLength)
    sum.add(word: udpLength)
    sum.add(payloadSum)
    let checksum = sum.valueInMemoryOrder
    // A computed zero is sent as all ones; zero means "no checksum" (RFC 768, RFC 8200 §8.1).
    frame.storeBytes(
      of: checksum == 0 ? 0xFFFF : checksum, toByteOffset: udpOffset + 6, as: UInt16.self)
  }

  /// The first two bytes in memory of a word of `storage`, as a value to store.
  @inline(__always)
  private static func leadingBytes(of word: UInt64) -> UInt16 {
    #if _endian(little)
      return UInt16(truncatingIfNeeded: word)
    #else
      return UInt16(truncatingIfNeeded: word >> 48)
    #endif
  }

  /// The first four bytes in memory of a word of `storage` and the two after them, as values to
  /// store.
  @inline(__always)
  private static func leadingBytes(of word: UInt64) -> (UInt32, UInt16) {
    #if _endian(little)
      return (UInt32(truncatingIfNeeded: word), UInt16(truncatingIfNeeded: word >> 32))
    #else
      return (UInt32(truncatingIfNeeded: word >> 32), UInt16(truncatingIfNeeded: word >> 16))
    #endif
  }

  /// Writes the two MAC addresses and leaves the EtherType to the caller.
  private static func storeEthernet(
    _ bytes: UnsafeMutableRawBufferPointer, source: IPAddress, destination: IPAddress
  ) {
    storeMAC(bytes, at: 0, for: destination)
    storeMAC(bytes, at: 6, for: source)
  }

  /// A locally administered unicast MAC: `02` and the address's last five octets.
  private static func storeMAC(
    _ bytes: UnsafeMutableRawBufferPointer, at offset: Int, for address: IPAddress
  ) {
    let low: UInt64
    switch address {
    case .v4(let v4): low = UInt64(v4.rawValue)
    case .v6(let v6): low = v6.low
    }
    bytes[offset] = 0x02
    for index in 1..<6 {
      bytes[offset + index] = UInt8(truncatingIfNeeded: low >> (8 * (5 - index)))
    }
  }

  /// The IPv4-mapped IPv6 form of `address` (RFC 4291 §2.5.5.2).
  private static func mapped(_ address: IPv4Address) -> IPv6Address {
    IPv6Address(high: 0, low: 0x0000_FFFF_0000_0000 | UInt64(address.rawValue))
  }
}
