#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// A UDP endpoint: an address and a port, and for a link-local IPv6 address the interface it
/// is on (its zone, `fe80::1%eth0`).
public struct Endpoint: Hashable, Sendable, Comparable, CustomStringConvertible {
  /// The IPv4 or IPv6 address.
  public var address: IPAddress
  /// The UDP port.
  public var port: UInt16
  /// The IPv6 scope: the index of the interface a link-local address belongs to; 0 for none
  /// (IPv4, global IPv6, and every address read from a capture).
  public var scopeID: UInt32

  /// An endpoint at `address` and `port`, with the interface index `scopeID` for a link-local
  /// IPv6 address (0 for none).
  public init(address: IPAddress, port: UInt16, scopeID: UInt32 = 0) {
    self.address = address
    self.port = port
    self.scopeID = scopeID
  }

  // Inlinable: the layers above compare endpoints per packet.
  @inlinable
  public static func == (lhs: Endpoint, rhs: Endpoint) -> Bool {
    lhs.port == rhs.port && lhs.address == rhs.address && lhs.scopeID == rhs.scopeID
  }

  /// Parses `HOST:PORT` with a literal address: `192.0.2.1:5004`, `[::1]:5004` or `::1:5004`.
  public init?(_ text: some StringProtocol) {
    guard let (host, port) = Endpoint.split(text), let address = IPAddress(host) else {
      return nil
    }
    self.init(address: address, port: port)
  }

  /// Splits `HOST:PORT` into its host text and port, accepting bracketed IPv6 and, for an
  /// unbracketed IPv6 literal, taking the port after the last colon.
  public static func split(_ text: some StringProtocol) -> (host: String, port: UInt16)? {
    let string = String(text)
    guard let colon = string.lastIndex(of: ":") else { return nil }
    var host = String(string[..<colon])
    guard let port = UInt16(string[string.index(after: colon)...]) else { return nil }
    if host.hasPrefix("[") {
      guard host.hasSuffix("]"), host.count >= 2 else { return nil }
      host = String(host.dropFirst().dropLast())
    }
    guard !host.isEmpty else { return nil }
    return (host, port)
  }

  /// `192.0.2.1:5004`, or `[2001:db8::1]:5004` for IPv6.
  public var description: String {
    switch address {
    case .v4(let v4): return "\(v4):\(port)"
    case .v6(let v6):
      guard scopeID != 0 else { return "[\(v6)]:\(port)" }
      return "[\(v6)%\(Self.zoneName(scopeID))]:\(port)"
    }
  }

  /// The interface name of a scope, or its number when no interface has it now.
  private static func zoneName(_ scope: UInt32) -> String {
    var name = [CChar](repeating: 0, count: Int(IF_NAMESIZE) + 1)
    guard if_indextoname(scope, &name) != nil else { return String(scope) }
    return String(cString: name)
  }

  public static func < (lhs: Self, rhs: Self) -> Bool {
    (lhs.address, lhs.port) < (rhs.address, rhs.port)
  }
}
