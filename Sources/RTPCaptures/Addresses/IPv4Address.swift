/// An IPv4 address, held in host byte order.
public struct IPv4Address: Hashable, Sendable, Comparable, CustomStringConvertible {
  /// The address as a 32-bit number, most significant octet first (`127.0.0.1` is `0x7F00_0001`).
  public var rawValue: UInt32

  /// The address whose 32-bit number is `rawValue`, most significant octet first.
  public init(rawValue: UInt32) {
    self.rawValue = rawValue
  }

  // Inlinable: the layers above compare endpoints per packet.
  @inlinable
  public static func == (lhs: IPv4Address, rhs: IPv4Address) -> Bool {
    lhs.rawValue == rhs.rawValue
  }

  /// The address `a.b.c.d`.
  public init(_ a: UInt8, _ b: UInt8, _ c: UInt8, _ d: UInt8) {
    rawValue = UInt32(a) << 24 | UInt32(b) << 16 | UInt32(c) << 8 | UInt32(d)
  }

  /// Parses dotted-quad notation (`192.0.2.1`); `nil` for anything else.
  public init?(_ text: some StringProtocol) {
    var value: UInt32 = 0
    var octets = 0
    for part in text.split(separator: ".", omittingEmptySubsequences: false) {
      guard part.count >= 1, part.count <= 3, part.allSatisfy(\.isASCIIDigit),
        let octet = UInt8(part)
      else { return nil }
      value = value << 8 | UInt32(octet)
      octets += 1
    }
    guard octets == 4 else { return nil }
    rawValue = value
  }

  /// `127.0.0.1`.
  public static let loopback = IPv4Address(127, 0, 0, 1)
  /// `0.0.0.0`: any address, for binding.
  public static let any = IPv4Address(rawValue: 0)

  public var description: String {
    "\(rawValue >> 24).\(rawValue >> 16 & 0xFF).\(rawValue >> 8 & 0xFF).\(rawValue & 0xFF)"
  }

  public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }
}

extension Character {
  var isASCIIDigit: Bool { self >= "0" && self <= "9" }
  var isASCIIHexDigit: Bool { isHexDigit && isASCII }
}
