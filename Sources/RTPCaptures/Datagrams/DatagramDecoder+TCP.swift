import RTPBase

extension DatagramDecoder {
  private static let protocolTCP: UInt8 = 6

  /// The TCP segment a capture record holds, or `nil` when it holds none: not IPv4 or IPv6,
  /// not TCP, an IP fragment (TCP is sent unfragmented; fragments are not reassembled here), or
  /// headers that are inconsistent or cut short. rtpdump records hold no TCP.
  ///
  /// The link layers read are those of ``decode(_:)``. Never traps on hostile bytes: every
  /// length is checked against the captured bytes.
  public func tcpSegment(_ record: CaptureRecord) -> TCPSegment? {
    guard record.rtpdumpEndpoints == nil,
      let packet = Self.ipPacket(record.bytes, linkType: record.linkType)
    else { return nil }
    return Self.tcpSegment(ofIPPacket: packet, timestamp: record.timestamp)
  }

  /// The IP packet behind the link-layer header of `bytes`, or `nil` for a link type or
  /// protocol that carries no IP.
  static func ipPacket(_ bytes: UnsafeRawBufferPointer, linkType: LinkType)
    -> UnsafeRawBufferPointer?
  {
    var type: UInt16
    var offset: Int
    switch linkType {
    case .ethernet:
      guard bytes.count >= 14 else { return nil }
      type = bytes.loadBigEndian(as: UInt16.self, at: 12)
      offset = 14
    case .linuxSLL:
      guard bytes.count >= 16 else { return nil }
      type = bytes.loadBigEndian(as: UInt16.self, at: 14)
      offset = 16
    case .linuxSLL2:
      guard bytes.count >= 20 else { return nil }
      type = bytes.loadBigEndian(as: UInt16.self, at: 0)
      offset = 20
    case .null, .loop:
      guard bytes.count >= 4 else { return nil }
      return UnsafeRawBufferPointer(rebasing: bytes[4...])
    case .raw, .rawLegacy12, .rawLegacy14, .ipv4, .ipv6:
      return bytes
    default:
      return nil
    }
    while type == 0x8100 || type == 0x88A8 || type == 0x9100 {
      guard offset + 4 <= bytes.count else { return nil }
      type = bytes.loadBigEndian(as: UInt16.self, at: offset + 2)
      offset += 4
    }
    guard type == 0x0800 || type == 0x86DD else { return nil }
    return UnsafeRawBufferPointer(rebasing: bytes[offset...])
  }

  /// The TCP segment of an IPv4 or IPv6 packet starting at the first byte of `packet`.
  static func tcpSegment(ofIPPacket packet: UnsafeRawBufferPointer, timestamp: Int64)
    -> TCPSegment?
  {
    guard let first = packet.first else { return nil }
    let source: IPAddress
    let destination: IPAddress
    var start: Int
    var end: Int
    switch first >> 4 {
    case 4:
      guard packet.count >= 20 else { return nil }
      let headerLength = Int(first & 0x0F) * 4
      let totalLength = Int(packet.loadBigEndian(as: UInt16.self, at: 2))
      guard headerLength >= 20, totalLength >= headerLength, headerLength <= packet.count,
        packet[9] == protocolTCP,
        packet.loadBigEndian(as: UInt16.self, at: 6) & 0x3FFF == 0
      else { return nil }
      source = .v4(IPv4Address(rawValue: packet.loadBigEndian(as: UInt32.self, at: 12)))
      destination = .v4(IPv4Address(rawValue: packet.loadBigEndian(as: UInt32.self, at: 16)))
      start = headerLength
      end = totalLength
    case 6:
      guard packet.count >= 40 else { return nil }
      let payloadLength = Int(packet.loadBigEndian(as: UInt16.self, at: 4))
      end = 40 + payloadLength
      var next = packet[6]
      start = 40
      // Hop-by-hop, routing, destination options and authentication headers lead to TCP; a
      // Fragment header (44) or anything else does not.
      while next != protocolTCP {
        guard next == 0 || next == 43 || next == 51 || next == 60,
          start + 2 <= min(end, packet.count)
        else { return nil }
        let units = Int(packet[start + 1])
        let length = next == 51 ? (units + 2) * 4 : (units + 1) * 8
        next = packet[start]
        start += length
      }
      guard start <= end else { return nil }
      source = .v6(IPv6Address(bytes: UnsafeRawBufferPointer(rebasing: packet[8..<24])))
      destination = .v6(IPv6Address(bytes: UnsafeRawBufferPointer(rebasing: packet[24..<40])))
    default:
      return nil
    }
    // Bytes past the IP length are link-layer padding; fewer were cut by the snaplen.
    let truncated = end > packet.count
    end = min(end, packet.count)
    guard start + 20 <= end else { return nil }
    let dataOffset = Int(packet[start + 12] >> 4) * 4
    guard dataOffset >= 20, start + dataOffset <= end else { return nil }
    let flags = packet[start + 13]
    return TCPSegment(
      timestamp: timestamp,
      source: Endpoint(address: source, port: packet.loadBigEndian(as: UInt16.self, at: start)),
      destination: Endpoint(
        address: destination, port: packet.loadBigEndian(as: UInt16.self, at: start + 2)),
      sequenceNumber: packet.loadBigEndian(as: UInt32.self, at: start + 4),
      isSYN: flags & 0x02 != 0, isFIN: flags & 0x01 != 0, isRST: flags & 0x04 != 0,
      payload: UnsafeRawBufferPointer(rebasing: packet[(start + dataOffset)..<end]),
      isTruncated: truncated)
  }
}
