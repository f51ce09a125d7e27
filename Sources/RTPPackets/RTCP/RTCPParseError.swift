/// Why a datagram is not a valid RTCP compound packet (RFC 3550 section 6.1 and appendix A.2).
///
/// Offsets count bytes from the start of the datagram, so that a message can point at the lie.
public enum RTCPParseError: Error, CustomStringConvertible, Sendable, Hashable {
  /// The datagram is empty: a compound packet holds at least one RTCP packet.
  case empty
  /// Fewer than the 4 bytes of a common header remain at `offset`.
  case truncatedHeader(offset: Int)
  /// The version field of the packet at `offset` is not 2.
  case badVersion(offset: Int, version: Int)
  /// The first packet is not a sender or receiver report (A.2's first check).
  case firstNotReport(packetType: Int)
  /// The packet at `offset` declares a length that runs past the end of the datagram.
  case lengthPastEnd(offset: Int, declared: Int, available: Int)
  /// A packet other than the last has its padding bit set.
  case paddingNotLast(offset: Int)
  /// The last packet's padding count is zero, not a whole number of words, or larger than the
  /// packet.
  case badPadding(offset: Int, padding: Int)
  /// The packet at `offset` is too short for what its header says it holds (report blocks,
  /// sources, SDES items, a BYE reason, an APP name).
  case bodyTooShort(offset: Int, packetType: Int)

  public var description: String {
    switch self {
    case .empty:
      return "empty datagram"
    case .truncatedHeader(let offset):
      return "byte \(offset): truncated RTCP header"
    case .badVersion(let offset, let version):
      return "byte \(offset): RTCP version \(version), expected 2"
    case .firstNotReport(let type):
      return "first RTCP packet is type \(type), not SR (200) or RR (201)"
    case .lengthPastEnd(let offset, let declared, let available):
      return
        "byte \(offset): RTCP packet of \(declared) bytes runs past the end (\(available) left)"
    case .paddingNotLast(let offset):
      return "byte \(offset): padding bit set on a packet that is not the last"
    case .badPadding(let offset, let padding):
      return "byte \(offset): padding count \(padding) does not fit the packet"
    case .bodyTooShort(let offset, let type):
      return "byte \(offset): RTCP packet type \(type) is too short for its contents"
    }
  }
}
