/// Where a walk along IPv6 extension headers ended: at the UDP header, at a Fragment header, or
/// at something that is not UDP or does not fit.
enum IPv6HeaderChain {
  /// The UDP header starts at this offset.
  case udp(offset: Int)
  /// A Fragment header (next header 44) starts at this offset.
  case fragment(offset: Int)
  /// The chain ends in something else, for this reason.
  case skipped(SkipReason)

  /// Walks hop-by-hop, routing, destination-options and authentication headers of `packet`,
  /// the first of type `next` at `start`, within the first `end` bytes.
  static func walk(
    _ packet: UnsafeRawBufferPointer, next first: UInt8, from start: Int, end: Int
  ) -> IPv6HeaderChain {
    var next = first
    var offset = start
    while next != 17 {
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
        return .fragment(offset: offset)
      default:
        return .skipped(.notUDP)
      }
    }
    guard offset <= end else { return .skipped(.malformedIPv6) }
    return .udp(offset: offset)
  }
}
