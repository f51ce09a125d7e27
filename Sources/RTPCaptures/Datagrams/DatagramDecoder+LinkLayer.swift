import RTPBase

extension DatagramDecoder {
  private static let etherTypeIPv4: UInt16 = 0x0800
  private static let etherTypeIPv6: UInt16 = 0x86DD

  /// Strips the link-layer header of `linkType` and decodes the IP packet behind it.
  ///
  /// An untagged Ethernet frame holding a whole IPv4 UDP datagram, what nearly every record of
  /// an RTP capture is, is decoded here in line (``plainUDP(_:timestamp:)``); everything else
  /// takes the general path.
  @inline(__always)
  func decodeLinkLayer(
    _ bytes: UnsafeRawBufferPointer, linkType: LinkType, timestamp: Int64, snapped: Bool
  ) -> DecodeOutcome {
    if linkType == .ethernet, bytes.count >= 14,
      bytes.loadBigEndian(as: UInt16.self, at: 12) == Self.etherTypeIPv4,
      let datagram = Self.plainUDP(
        UnsafeRawBufferPointer(rebasing: bytes[14...]), timestamp: timestamp)
    {
      return .datagram(datagram)
    }
    return decodeAnyLinkLayer(bytes, linkType: linkType, timestamp: timestamp, snapped: snapped)
  }

  /// The UDP datagram of an IPv4 packet that is not a fragment and whose IPv4 and UDP headers
  /// are whole and consistent, exactly as ``decodeIPv4(_:timestamp:snapped:)`` would return it; `nil`
  /// for any other packet, which that function then decodes (or counts as skipped) in full.
  @inlinable @inline(__always)
  static func plainUDP(_ packet: UnsafeRawBufferPointer, timestamp: Int64) -> UDPDatagram? {
    guard packet.count >= 28 else { return nil }
    let versionAndLength = packet[0]
    let headerLength = Int(versionAndLength & 0x0F) &* 4
    let totalLength = Int(packet.loadBigEndian(as: UInt16.self, at: 2))
    // Version 4, a header of at least 20 bytes, UDP, no fragment (neither more fragments nor an
    // offset), and the whole packet captured (bytes past it are link-layer padding).
    guard versionAndLength >> 4 == 4, headerLength >= 20, packet[9] == 17,
      packet.loadBigEndian(as: UInt16.self, at: 6) & 0x3FFF == 0,
      totalLength <= packet.count, totalLength &- headerLength >= 8
    else { return nil }
    let udpLength = Int(packet.loadBigEndian(as: UInt16.self, at: headerLength &+ 4))
    guard udpLength >= 8, udpLength <= totalLength &- headerLength else { return nil }
    return UDPDatagram(
      timestamp: timestamp,
      source: Endpoint(
        address: .v4(IPv4Address(rawValue: packet.loadBigEndian(as: UInt32.self, at: 12))),
        port: packet.loadBigEndian(as: UInt16.self, at: headerLength)),
      destination: Endpoint(
        address: .v4(IPv4Address(rawValue: packet.loadBigEndian(as: UInt32.self, at: 16))),
        port: packet.loadBigEndian(as: UInt16.self, at: headerLength &+ 2)),
      payload: UnsafeRawBufferPointer(
        rebasing: packet[(headerLength &+ 8)..<(headerLength &+ udpLength)]))
  }

  /// ``decodeLinkLayer(_:linkType:timestamp:snapped:)`` for every link type and packet.
  @inline(never)
  func decodeAnyLinkLayer(
    _ bytes: UnsafeRawBufferPointer, linkType: LinkType, timestamp: Int64, snapped: Bool
  ) -> DecodeOutcome {
    switch linkType {
    case .ethernet:
      guard bytes.count >= 14 else { return .skipped(.truncated) }
      return decodeEtherType(
        bytes.loadBigEndian(as: UInt16.self, at: 12),
        UnsafeRawBufferPointer(rebasing: bytes[14...]),
        timestamp: timestamp, snapped: snapped)
    case .raw, .rawLegacy12, .rawLegacy14:
      guard let first = bytes.first else { return .skipped(.truncated) }
      switch first >> 4 {
      case 4: return decodeIPv4(bytes, timestamp: timestamp, snapped: snapped)
      case 6: return decodeIPv6(bytes, timestamp: timestamp, snapped: snapped)
      default: return .skipped(.notIP)
      }
    case .null, .loop:
      guard bytes.count >= 4 else { return .skipped(.truncated) }
      var family = bytes.loadBigEndian(as: UInt32.self, at: 0)
      // DLT_NULL stores the family in the capturing host's byte order: families are small, so
      // a value with high bits set was written little-endian.
      if linkType == .null && family & 0xFFFF_0000 != 0 { family = family.byteSwapped }
      let packet = UnsafeRawBufferPointer(rebasing: bytes[4...])
      switch family {
      case 2: return decodeIPv4(packet, timestamp: timestamp, snapped: snapped)
      case 10, 24, 28, 30: return decodeIPv6(packet, timestamp: timestamp, snapped: snapped)
      default: return .skipped(.notIP)
      }
    case .linuxSLL:
      guard bytes.count >= 16 else { return .skipped(.truncated) }
      return decodeEtherType(
        bytes.loadBigEndian(as: UInt16.self, at: 14),
        UnsafeRawBufferPointer(rebasing: bytes[16...]),
        timestamp: timestamp, snapped: snapped)
    case .linuxSLL2:
      guard bytes.count >= 20 else { return .skipped(.truncated) }
      return decodeEtherType(
        bytes.loadBigEndian(as: UInt16.self, at: 0), UnsafeRawBufferPointer(rebasing: bytes[20...]),
        timestamp: timestamp, snapped: snapped)
    case .ipv4:
      return decodeIPv4(bytes, timestamp: timestamp, snapped: snapped)
    case .ipv6:
      return decodeIPv6(bytes, timestamp: timestamp, snapped: snapped)
    default:
      return .skipped(.unknownLinkType)
    }
  }

  /// Decodes what follows an EtherType, first stepping over VLAN tags (802.1Q 0x8100, 802.1ad
  /// 0x88A8 and the older QinQ 0x9100), each 4 bytes of which the last 2 are the next type.
  private func decodeEtherType(
    _ etherType: UInt16, _ bytes: UnsafeRawBufferPointer, timestamp: Int64, snapped: Bool
  ) -> DecodeOutcome {
    var type = etherType
    var offset = 0
    while type == 0x8100 || type == 0x88A8 || type == 0x9100 {
      guard offset + 4 <= bytes.count else { return .skipped(.truncated) }
      type = bytes.loadBigEndian(as: UInt16.self, at: offset + 2)
      offset += 4
    }
    let packet = UnsafeRawBufferPointer(rebasing: bytes[offset...])
    switch type {
    case Self.etherTypeIPv4: return decodeIPv4(packet, timestamp: timestamp, snapped: snapped)
    case Self.etherTypeIPv6: return decodeIPv6(packet, timestamp: timestamp, snapped: snapped)
    default: return .skipped(.notIP)
    }
  }
}
