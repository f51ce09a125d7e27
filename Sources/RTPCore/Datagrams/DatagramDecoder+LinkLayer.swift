extension DatagramDecoder {
  private static let etherTypeIPv4: UInt16 = 0x0800
  private static let etherTypeIPv6: UInt16 = 0x86DD

  /// Strips the link-layer header of `linkType` and decodes the IP packet behind it.
  func decodeLinkLayer(
    _ bytes: UnsafeRawBufferPointer, linkType: LinkType, timestamp: Int64
  ) -> DecodeOutcome {
    switch linkType {
    case .ethernet:
      guard bytes.count >= 14 else { return .skipped(.truncated) }
      return decodeEtherType(
        bytes.loadBigEndian(as: UInt16.self, at: 12),
        UnsafeRawBufferPointer(rebasing: bytes[14...]),
        timestamp: timestamp)
    case .raw, .rawLegacy12, .rawLegacy14:
      guard let first = bytes.first else { return .skipped(.truncated) }
      switch first >> 4 {
      case 4: return decodeIPv4(bytes, timestamp: timestamp)
      case 6: return decodeIPv6(bytes, timestamp: timestamp)
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
      case 2: return decodeIPv4(packet, timestamp: timestamp)
      case 10, 24, 28, 30: return decodeIPv6(packet, timestamp: timestamp)
      default: return .skipped(.notIP)
      }
    case .linuxSLL:
      guard bytes.count >= 16 else { return .skipped(.truncated) }
      return decodeEtherType(
        bytes.loadBigEndian(as: UInt16.self, at: 14),
        UnsafeRawBufferPointer(rebasing: bytes[16...]),
        timestamp: timestamp)
    case .linuxSLL2:
      guard bytes.count >= 20 else { return .skipped(.truncated) }
      return decodeEtherType(
        bytes.loadBigEndian(as: UInt16.self, at: 0), UnsafeRawBufferPointer(rebasing: bytes[20...]),
        timestamp: timestamp)
    case .ipv4:
      return decodeIPv4(bytes, timestamp: timestamp)
    case .ipv6:
      return decodeIPv6(bytes, timestamp: timestamp)
    default:
      return .skipped(.unknownLinkType)
    }
  }

  /// Decodes what follows an EtherType, first stepping over VLAN tags (802.1Q 0x8100, 802.1ad
  /// 0x88A8 and the older QinQ 0x9100), each 4 bytes of which the last 2 are the next type.
  private func decodeEtherType(
    _ etherType: UInt16, _ bytes: UnsafeRawBufferPointer, timestamp: Int64
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
    case Self.etherTypeIPv4: return decodeIPv4(packet, timestamp: timestamp)
    case Self.etherTypeIPv6: return decodeIPv6(packet, timestamp: timestamp)
    default: return .skipped(.notIP)
    }
  }
}
