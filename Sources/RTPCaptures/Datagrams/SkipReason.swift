/// Why a capture record did not yield a UDP datagram. Skipping is never fatal: readers count the
/// reasons so that tools can say what they passed over.
///
/// A fragment kept for reassembly is counted once its datagram's fate is known: in
/// ``DatagramReader/fragmentsReassembled`` when the datagram completes, or here as evicted,
/// expired, inconsistent or never completed, so that every record is counted once.
public enum SkipReason: Int, CaseIterable, Sendable, Hashable, CustomStringConvertible {
  /// The capture's link type is not one this decoder reads.
  case unknownLinkType
  /// The link layer carries something other than IPv4 or IPv6 (ARP, LLDP, ...).
  case notIP
  /// The IP packet carries something other than UDP (TCP, ICMP, ...).
  case notUDP
  /// The capture holds fewer bytes than the headers say the packet has (a short snaplen).
  case truncated
  /// A datagram whose UDP header was captured whole and whose payload the capture cut short (a
  /// short snaplen, an rtpdump header-only record), read by a tool that needs the payload.
  case truncatedPayload
  /// An IPv4 header is inconsistent: wrong version, header length below 20 bytes, total length
  /// shorter than the header, or a fragment that could not be valid.
  case malformedIPv4
  /// An IPv6 header is inconsistent: wrong version, a jumbogram, extension headers that run
  /// past the payload, or a fragment that could not be valid.
  case malformedIPv6
  /// A UDP header is inconsistent: its length is below 8 or beyond the IP payload.
  case malformedUDP
  /// An IPv4 fragment of a datagram dropped because a fragment overlapped earlier ones with
  /// different bytes or a different end (that fragment included).
  case inconsistentFragment
  /// An IPv4 fragment whose bytes had all arrived already.
  case duplicateFragment
  /// An IPv4 fragment of a datagram evicted incomplete to make room in the reassembly table.
  case evictedFragment
  /// An IPv4 fragment of a datagram dropped incomplete when its fragments stopped arriving for
  /// longer than the reassembly timeout.
  case expiredFragment
  /// An IPv4 fragment of a datagram still incomplete when the reading stopped.
  case incompleteFragment
  /// An IPv6 fragment of a datagram dropped because a fragment overlapped earlier ones (RFC
  /// 5722) or disagreed on its end (that fragment included).
  case inconsistentIPv6Fragment
  /// An IPv6 fragment whose bytes had all arrived already, with the same content.
  case duplicateIPv6Fragment
  /// An IPv6 fragment of a datagram evicted incomplete to make room in the reassembly table.
  case evictedIPv6Fragment
  /// An IPv6 fragment of a datagram dropped incomplete when its fragments stopped arriving.
  case expiredIPv6Fragment
  /// An IPv6 fragment of a datagram still incomplete when the reading stopped.
  case incompleteIPv6Fragment

  /// A short phrase for messages, such as `not UDP`.
  public var description: String {
    switch self {
    case .unknownLinkType: return "unknown link type"
    case .notIP: return "not IP"
    case .notUDP: return "not UDP"
    case .truncated: return "truncated"
    case .truncatedPayload: return "cut short by the snaplen"
    case .malformedIPv4: return "malformed IPv4"
    case .malformedIPv6: return "malformed IPv6"
    case .malformedUDP: return "malformed UDP"
    case .inconsistentFragment: return "inconsistent IPv4 fragments"
    case .duplicateFragment: return "duplicate IPv4 fragments"
    case .evictedFragment: return "IPv4 fragments evicted"
    case .expiredFragment: return "IPv4 fragments expired"
    case .incompleteFragment: return "IPv4 fragments never completed"
    case .inconsistentIPv6Fragment: return "inconsistent IPv6 fragments"
    case .duplicateIPv6Fragment: return "duplicate IPv6 fragments"
    case .evictedIPv6Fragment: return "IPv6 fragments evicted"
    case .expiredIPv6Fragment: return "IPv6 fragments expired"
    case .incompleteIPv6Fragment: return "IPv6 fragments never completed"
    }
  }

  static func inconsistent(ipv6: Bool) -> SkipReason {
    ipv6 ? .inconsistentIPv6Fragment : .inconsistentFragment
  }

  static func duplicate(ipv6: Bool) -> SkipReason {
    ipv6 ? .duplicateIPv6Fragment : .duplicateFragment
  }

  static func evicted(ipv6: Bool) -> SkipReason {
    ipv6 ? .evictedIPv6Fragment : .evictedFragment
  }

  static func expired(ipv6: Bool) -> SkipReason {
    ipv6 ? .expiredIPv6Fragment : .expiredFragment
  }

  static func malformed(ipv6: Bool) -> SkipReason {
    ipv6 ? .malformedIPv6 : .malformedIPv4
  }
}
