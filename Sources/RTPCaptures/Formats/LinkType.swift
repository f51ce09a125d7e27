/// A capture's link-layer header type (tcpdump.org's LINKTYPE_ values).
public struct LinkType: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
  public var rawValue: UInt32

  public init(rawValue: UInt32) {
    self.rawValue = rawValue
  }

  /// BSD loopback: a 4-byte address family in the capturing host's byte order.
  public static let null = LinkType(rawValue: 0)
  /// Ethernet II, with 802.1Q and QinQ tags.
  public static let ethernet = LinkType(rawValue: 1)
  /// Raw IP as some BSDs wrote it (DLT 12 and 14).
  public static let rawLegacy12 = LinkType(rawValue: 12)
  /// Raw IP as OpenBSD wrote it (DLT 14).
  public static let rawLegacy14 = LinkType(rawValue: 14)
  /// Raw IP, IPv4 or IPv6 by the version nibble.
  public static let raw = LinkType(rawValue: 101)
  /// OpenBSD loopback: a 4-byte address family in network byte order.
  public static let loop = LinkType(rawValue: 108)
  /// Linux cooked capture, version 1.
  public static let linuxSLL = LinkType(rawValue: 113)
  /// IPv4 only.
  public static let ipv4 = LinkType(rawValue: 228)
  /// IPv6 only.
  public static let ipv6 = LinkType(rawValue: 229)
  /// Linux cooked capture, version 2.
  public static let linuxSLL2 = LinkType(rawValue: 276)

  public var description: String {
    switch self {
    case .null: return "null"
    case .ethernet: return "ethernet"
    case .rawLegacy12, .rawLegacy14, .raw: return "raw"
    case .loop: return "loop"
    case .linuxSLL: return "linux-sll"
    case .ipv4: return "ipv4"
    case .ipv6: return "ipv6"
    case .linuxSLL2: return "linux-sll2"
    default: return "linktype \(rawValue)"
    }
  }
}
