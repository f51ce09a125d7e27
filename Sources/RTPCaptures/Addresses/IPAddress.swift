/// An IPv4 or IPv6 address.
public enum IPAddress: Hashable, Sendable, Comparable, CustomStringConvertible {
  /// An IPv4 address.
  case v4(IPv4Address)
  /// An IPv6 address.
  case v6(IPv6Address)

  // Inlinable: the layers above compare endpoints per packet.
  @inlinable
  public static func == (lhs: IPAddress, rhs: IPAddress) -> Bool {
    switch (lhs, rhs) {
    case (.v4(let a), .v4(let b)): return a == b
    case (.v6(let a), .v6(let b)): return a == b
    default: return false
    }
  }

  /// Parses an IPv4 or IPv6 literal; `nil` for anything else (host names are not resolved here).
  public init?(_ text: some StringProtocol) {
    if let v4 = IPv4Address(text) {
      self = .v4(v4)
    } else if let v6 = IPv6Address(text) {
      self = .v6(v6)
    } else {
      return nil
    }
  }

  public var description: String {
    switch self {
    case .v4(let address): return address.description
    case .v6(let address): return address.description
    }
  }

  /// Whether this is an IPv6 address.
  /// Whether this is the address that stands for every address: `0.0.0.0` or `::`.
  public var isUnspecified: Bool {
    switch self {
    case .v4(let address): return address == .any
    case .v6(let address): return address == .any
    }
  }

  /// Whether this is an IPv6 address (an IPv4-mapped one included).
  public var isIPv6: Bool {
    if case .v6 = self { return true }
    return false
  }
}
