extension DatagramDecoder {
  private static let protocolUDP: UInt8 = 17

  /// Decodes an IPv4 packet that starts at the first byte of `packet`.
  func decodeIPv4(_ packet: UnsafeRawBufferPointer, timestamp: Int64) -> DecodeOutcome {
    guard packet.count >= 20 else { return .skipped(.truncated) }
    let versionAndLength = packet[0]
    guard versionAndLength >> 4 == 4 else { return .skipped(.malformedIPv4) }
    let headerLength = Int(versionAndLength & 0x0F) * 4
    let totalLength = Int(packet.loadBigEndian(as: UInt16.self, at: 2))
    guard headerLength >= 20, totalLength >= headerLength else {
      return .skipped(.malformedIPv4)
    }
    guard packet[9] == Self.protocolUDP else { return .skipped(.notUDP) }
    // Bytes past the total length are link-layer padding; fewer bytes are a short snaplen.
    guard totalLength <= packet.count else { return .skipped(.truncated) }
    let source = packet.loadBigEndian(as: UInt32.self, at: 12)
    let destination = packet.loadBigEndian(as: UInt32.self, at: 16)
    let payload = UnsafeRawBufferPointer(rebasing: packet[headerLength..<totalLength])
    let fragment = packet.loadBigEndian(as: UInt16.self, at: 6)
    let moreFragments = fragment & 0x2000 != 0
    let fragmentOffset = Int(fragment & 0x1FFF) * 8
    guard moreFragments || fragmentOffset != 0 else {
      return decodeUDP(
        payload, source: .v4(IPv4Address(rawValue: source)),
        destination: .v4(IPv4Address(rawValue: destination)), timestamp: timestamp)
    }
    let result = reassembler.add(
      source: source, destination: destination,
      identification: packet.loadBigEndian(as: UInt16.self, at: 4),
      proto: Self.protocolUDP, offset: fragmentOffset, moreFragments: moreFragments,
      data: payload, timestamp: timestamp)
    switch result {
    case .held:
      return .held
    case .rejected(let reason):
      return .skipped(reason)
    case .complete(let datagram):
      return decodeUDP(
        datagram, source: .v4(IPv4Address(rawValue: source)),
        destination: .v4(IPv4Address(rawValue: destination)), timestamp: timestamp)
    }
  }

  /// Decodes an IPv6 packet that starts at the first byte of `packet`, walking hop-by-hop,
  /// routing, destination-options and authentication headers to UDP.
  func decodeIPv6(_ packet: UnsafeRawBufferPointer, timestamp: Int64) -> DecodeOutcome {
    guard packet.count >= 40 else { return .skipped(.truncated) }
    guard packet[0] >> 4 == 6 else { return .skipped(.malformedIPv6) }
    let payloadLength = Int(packet.loadBigEndian(as: UInt16.self, at: 4))
    // A zero payload length announces a jumbogram, which cannot be UDP over a 16-bit length here.
    guard payloadLength > 0 else { return .skipped(.malformedIPv6) }
    let end = 40 + payloadLength
    var next = packet[6]
    var offset = 40
    while next != Self.protocolUDP {
      switch next {
      case 0, 43, 51, 60:
        guard offset + 2 <= end else { return .skipped(.malformedIPv6) }
        guard offset + 2 <= packet.count else { return .skipped(.truncated) }
        let units = Int(packet[offset + 1])
        // The authentication header counts 4-byte units minus 2, the others 8-byte units minus 1.
        let length = next == 51 ? (units + 2) * 4 : (units + 1) * 8
        next = packet[offset]
        offset += length
      case 44:
        return .skipped(.ipv6Fragment)
      default:
        return .skipped(.notUDP)
      }
    }
    guard offset <= end else { return .skipped(.malformedIPv6) }
    guard end <= packet.count else { return .skipped(.truncated) }
    let source = IPv6Address(bytes: UnsafeRawBufferPointer(rebasing: packet[8..<24]))
    let destination = IPv6Address(bytes: UnsafeRawBufferPointer(rebasing: packet[24..<40]))
    return decodeUDP(
      UnsafeRawBufferPointer(rebasing: packet[offset..<end]), source: .v6(source),
      destination: .v6(destination), timestamp: timestamp)
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
      UDPDatagram(
        timestamp: timestamp,
        source: Endpoint(address: source, port: segment.loadBigEndian(as: UInt16.self, at: 0)),
        destination: Endpoint(
          address: destination, port: segment.loadBigEndian(as: UInt16.self, at: 2)),
        payload: UnsafeRawBufferPointer(rebasing: segment[8..<length])))
  }
}
