/// Why a capture record did not yield a UDP datagram. Skipping is never fatal: readers count the
/// reasons so that tools can say what they passed over.
public enum SkipReason: Int, CaseIterable, Sendable, Hashable, CustomStringConvertible {
  /// The capture's link type is not one this decoder reads.
  case unknownLinkType
  /// The link layer carries something other than IPv4 or IPv6 (ARP, LLDP, ...).
  case notIP
  /// The IP packet carries something other than UDP (TCP, ICMP, ...).
  case notUDP
  /// The capture holds fewer bytes than the headers say the packet has (a short snaplen).
  case truncated
  /// An IPv4 header is inconsistent: wrong version, header length below 20 bytes, total length
  /// shorter than the header, or a fragment that could not be valid.
  case malformedIPv4
  /// An IPv6 header is inconsistent: wrong version, a jumbogram, or extension headers that run
  /// past the payload.
  case malformedIPv6
  /// A UDP header is inconsistent: its length is below 8 or beyond the IP payload.
  case malformedUDP
  /// An IPv6 fragment; IPv6 reassembly is not supported.
  case ipv6Fragment
  /// An IPv4 fragment that overlaps earlier ones with different bytes; the whole datagram is
  /// dropped, as RFC 5722 prescribes for IPv6.
  case inconsistentFragment
  /// An IPv4 fragment whose bytes had all arrived already.
  case duplicateFragment

  /// A short phrase for messages, such as `not UDP`.
  public var description: String {
    switch self {
    case .unknownLinkType: return "unknown link type"
    case .notIP: return "not IP"
    case .notUDP: return "not UDP"
    case .truncated: return "truncated"
    case .malformedIPv4: return "malformed IPv4"
    case .malformedIPv6: return "malformed IPv6"
    case .malformedUDP: return "malformed UDP"
    case .ipv6Fragment: return "IPv6 fragment"
    case .inconsistentFragment: return "inconsistent IPv4 fragment"
    case .duplicateFragment: return "duplicate IPv4 fragment"
    }
  }
}
