import RTPBase

extension DatagramDecoder {
  private static let protocolUDP: UInt8 = 17

  /// Decodes an IPv4 packet that starts at the first byte of `packet`, of a record that the
  /// capture cut short (fewer bytes than the packet had on the wire) when `snapped`.
  func decodeIPv4(_ packet: UnsafeRawBufferPointer, timestamp: Int64, snapped: Bool)
    -> DecodeOutcome
  {
    guard packet.count >= 20 else { return .skipped(.truncated) }
    let versionAndLength = packet[0]
    guard versionAndLength >> 4 == 4 else { return .skipped(.malformedIPv4) }
    let headerLength = Int(versionAndLength & 0x0F) * 4
    let totalLength = Int(packet.loadBigEndian(as: UInt16.self, at: 2))
    guard headerLength >= 20, totalLength >= headerLength else {
      return .skipped(.malformedIPv4)
    }
    guard packet[9] == Self.protocolUDP else { return .skipped(.notUDP) }
    let source = packet.loadBigEndian(as: UInt32.self, at: 12)
    let destination = packet.loadBigEndian(as: UInt32.self, at: 16)
    let fragment = packet.loadBigEndian(as: UInt16.self, at: 6)
    let moreFragments = fragment & 0x2000 != 0
    let fragmentOffset = Int(fragment & 0x1FFF) * 8
    // Bytes past the total length are link-layer padding. Fewer bytes are a lie in a whole
    // record; in a record the capture cut short, the first bytes of the datagram, worth
    // reading when its UDP header is whole.
    guard totalLength <= packet.count else {
      guard snapped, !moreFragments, fragmentOffset == 0, headerLength <= packet.count else {
        return .skipped(.truncated)
      }
      return decodeCutUDP(
        UnsafeRawBufferPointer(rebasing: packet[headerLength...]),
        carried: totalLength - headerLength, source: .v4(IPv4Address(rawValue: source)),
        destination: .v4(IPv4Address(rawValue: destination)), timestamp: timestamp)
    }
    let payload = UnsafeRawBufferPointer(rebasing: packet[headerLength..<totalLength])
    guard moreFragments || fragmentOffset != 0 else {
      return decodeUDP(
        payload, source: .v4(IPv4Address(rawValue: source)),
        destination: .v4(IPv4Address(rawValue: destination)), timestamp: timestamp)
    }
    let result = reassembler.add(
      key: FragmentKey(
        source: source, destination: destination,
        identification: packet.loadBigEndian(as: UInt16.self, at: 4), proto: Self.protocolUDP),
      nextHeader: Self.protocolUDP, offset: fragmentOffset, moreFragments: moreFragments,
      data: payload, timestamp: timestamp)
    switch result {
    case .held:
      return .held
    case .rejected(let reason):
      return .skipped(reason)
    case .complete(let datagram, _):
      return decodeUDP(
        datagram, source: .v4(IPv4Address(rawValue: source)),
        destination: .v4(IPv4Address(rawValue: destination)), timestamp: timestamp)
    }
  }

  /// Decodes an IPv6 packet that starts at the first byte of `packet`, walking hop-by-hop,
  /// routing, destination-options and authentication headers to UDP, and reassembling
  /// fragments (an atomic fragment, offset 0 with M clear, is read at once: RFC 6946); `snapped`
  /// as ``decodeIPv4(_:timestamp:snapped:)`` takes it.
  func decodeIPv6(_ packet: UnsafeRawBufferPointer, timestamp: Int64, snapped: Bool)
    -> DecodeOutcome
  {
    guard packet.count >= 40 else { return .skipped(.truncated) }
    guard packet[0] >> 4 == 6 else { return .skipped(.malformedIPv6) }
    let payloadLength = Int(packet.loadBigEndian(as: UInt16.self, at: 4))
    // A zero payload length announces a jumbogram, which cannot be UDP over a 16-bit length here.
    guard payloadLength > 0 else { return .skipped(.malformedIPv6) }
    let end = 40 + payloadLength
    let at: Int
    switch IPv6HeaderChain.walk(packet, next: packet[6], from: 40, end: end) {
    case .skipped(let reason):
      return .skipped(reason)
    case .udp(let offset):
      guard end <= packet.count else {
        guard snapped, offset <= packet.count else { return .skipped(.truncated) }
        let (source, destination) = Self.addresses(ofIPv6Header: packet)
        return decodeCutUDP(
          UnsafeRawBufferPointer(rebasing: packet[offset...]), carried: end - offset,
          source: source, destination: destination, timestamp: timestamp)
      }
      return decodeUDP(
        UnsafeRawBufferPointer(rebasing: packet[offset..<end]), ipv6Header: packet,
        timestamp: timestamp)
    case .fragment(let offset):
      at = offset
    }
    guard at + 8 <= end else { return .skipped(.malformedIPv6) }
    guard end <= packet.count else { return .skipped(.truncated) }
    let next = packet[at]
    let field = packet.loadBigEndian(as: UInt16.self, at: at + 2)
    let fragmentOffset = Int(field >> 3) * 8
    let moreFragments = field & 1 != 0
    if fragmentOffset == 0 && !moreFragments {
      return decodeFragmentable(
        packet, next: next, from: at + 8, end: end, header: packet, timestamp: timestamp)
    }
    switch next {
    case Self.protocolUDP, 0, 43, 51, 60: break
    case 44: return .skipped(.malformedIPv6)
    default: return .skipped(.notUDP)
    }
    let result = reassembler.add(
      key: FragmentKey(
        source: IPv6Address(bytes: UnsafeRawBufferPointer(rebasing: packet[8..<24])),
        destination: IPv6Address(bytes: UnsafeRawBufferPointer(rebasing: packet[24..<40])),
        identification: packet.loadBigEndian(as: UInt32.self, at: at + 4)),
      nextHeader: next, offset: fragmentOffset, moreFragments: moreFragments,
      data: UnsafeRawBufferPointer(rebasing: packet[(at + 8)..<end]), timestamp: timestamp)
    switch result {
    case .held:
      return .held
    case .rejected(let reason):
      return .skipped(reason)
    case .complete(let datagram, let next):
      return decodeFragmentable(
        datagram, next: next, from: 0, end: datagram.count, header: packet, timestamp: timestamp)
    }
  }

  /// Decodes what follows a Fragment header, whole: `bytes` up to `end`, its first header of
  /// type `next` at `start`, with the addresses of the IPv6 header at the start of `header`.
  private func decodeFragmentable(
    _ bytes: UnsafeRawBufferPointer, next: UInt8, from start: Int, end: Int,
    header: UnsafeRawBufferPointer, timestamp: Int64
  ) -> DecodeOutcome {
    switch IPv6HeaderChain.walk(bytes, next: next, from: start, end: end) {
    case .skipped(let reason):
      return .skipped(reason)
    case .fragment:
      // RFC 8200 allows one Fragment header: a second one is not a packet to reassemble.
      return .skipped(.malformedIPv6)
    case .udp(let offset):
      return decodeUDP(
        UnsafeRawBufferPointer(rebasing: bytes[offset..<end]), ipv6Header: header,
        timestamp: timestamp)
    }
  }

  /// Decodes the UDP header at the start of `segment`, a whole UDP datagram sent between the
  /// addresses of the IPv6 header at the start of `header`.
  private func decodeUDP(
    _ segment: UnsafeRawBufferPointer, ipv6Header header: UnsafeRawBufferPointer, timestamp: Int64
  ) -> DecodeOutcome {
    let (source, destination) = Self.addresses(ofIPv6Header: header)
    return decodeUDP(segment, source: source, destination: destination, timestamp: timestamp)
  }

  /// The source and destination addresses of the IPv6 header at the start of `header`.
  private static func addresses(ofIPv6Header header: UnsafeRawBufferPointer)
    -> (source: IPAddress, destination: IPAddress)
  {
    (
      .v6(IPv6Address(bytes: UnsafeRawBufferPointer(rebasing: header[8..<24]))),
      .v6(IPv6Address(bytes: UnsafeRawBufferPointer(rebasing: header[24..<40])))
    )
  }

  /// Decodes the UDP header at the start of `captured`, the first bytes of an IP payload of
  /// `carried` bytes that the capture cut short: a datagram whose payload is cut short (kept
  /// only when ``keepsTruncatedDatagrams`` is set), or a whole one when its UDP length ends
  /// within the bytes captured.
  private func decodeCutUDP(
    _ captured: UnsafeRawBufferPointer, carried: Int, source: IPAddress, destination: IPAddress,
    timestamp: Int64
  ) -> DecodeOutcome {
    guard captured.count >= 8 else { return .skipped(.truncated) }
    let length = Int(captured.loadBigEndian(as: UInt16.self, at: 4))
    guard length >= 8, length <= carried else { return .skipped(.malformedUDP) }
    guard length > captured.count else {
      return decodeUDP(
        captured, source: source, destination: destination, timestamp: timestamp)
    }
    guard keepsTruncatedDatagrams else { return .skipped(.truncatedPayload) }
    return .datagram(
      Self.datagram(
        captured, length: length, source: source, destination: destination,
        timestamp: timestamp))
  }

  /// Decodes the UDP header at the start of an IP payload that the IP header says is complete.
  func decodeUDP(
    _ segment: UnsafeRawBufferPointer, source: IPAddress, destination: IPAddress,
    timestamp: Int64
  ) -> DecodeOutcome {
    guard segment.count >= 8 else { return .skipped(.malformedUDP) }
    let length = Int(segment.loadBigEndian(as: UInt16.self, at: 4))
    guard length >= 8, length <= segment.count else { return .skipped(.malformedUDP) }
    return .datagram(
      Self.datagram(
        segment, length: length, source: source, destination: destination,
        timestamp: timestamp))
  }

  /// The datagram whose UDP header, of UDP length `length` (checked), starts `segment`: its
  /// payload as much of the `length - 8` bytes as `segment` holds.
  private static func datagram(
    _ segment: UnsafeRawBufferPointer, length: Int, source: IPAddress, destination: IPAddress,
    timestamp: Int64
  ) -> UDPDatagram {
    UDPDatagram(
      timestamp: timestamp,
      source: Endpoint(address: source, port: segment.loadBigEndian(as: UInt16.self, at: 0)),
      destination: Endpoint(
        address: destination, port: segment.loadBigEndian(as: UInt16.self, at: 2)),
      payload: UnsafeRawBufferPointer(rebasing: segment[8..<min(length, segment.count)]),
      length: length - 8)
  }
}
