import RTPBase

/// An IPv6 address, held as two 64-bit halves in host byte order.
public struct IPv6Address: Hashable, Sendable, Comparable, CustomStringConvertible {
  /// The first eight octets, most significant first.
  public var high: UInt64
  /// The last eight octets, most significant first.
  public var low: UInt64

  /// The address whose first eight octets are `high` and last eight `low`, most significant
  /// first.
  public init(high: UInt64, low: UInt64) {
    self.high = high
    self.low = low
  }

  // Inlinable: the layers above compare endpoints per packet.
  @inlinable
  public static func == (lhs: IPv6Address, rhs: IPv6Address) -> Bool {
    lhs.high == rhs.high && lhs.low == rhs.low
  }

  /// Creates an address from its 16 octets in network order.
  public init(bytes: UnsafeRawBufferPointer) {
    precondition(bytes.count >= 16)
    high = bytes.loadBigEndian(as: UInt64.self, at: 0)
    low = bytes.loadBigEndian(as: UInt64.self, at: 8)
  }

  /// Parses RFC 4291 text (`2001:db8::1`, `::1`, `::ffff:192.0.2.1`); `nil` for anything else.
  public init?(_ text: some StringProtocol) {
    var groups: [UInt16] = []
    var gap: Int? = nil
    let string = String(text)
    if string.isEmpty { return nil }
    if string.hasPrefix(":") && !string.hasPrefix("::") { return nil }
    if string.hasSuffix(":") && !string.hasSuffix("::") { return nil }
    var parts = string.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
    // "::" at either end produces two empty parts; collapse them into one marker.
    if parts.count >= 2, parts[0].isEmpty, parts[1].isEmpty { parts.removeFirst() }
    if parts.count >= 2, parts[parts.count - 1].isEmpty, parts[parts.count - 2].isEmpty {
      parts.removeLast()
    }
    for (index, part) in parts.enumerated() {
      if part.isEmpty {
        guard gap == nil else { return nil }
        gap = groups.count
        continue
      }
      if index == parts.count - 1, part.contains(".") {
        guard let v4 = IPv4Address(part) else { return nil }
        groups.append(UInt16(v4.rawValue >> 16))
        groups.append(UInt16(v4.rawValue & 0xFFFF))
        continue
      }
      guard part.count <= 4, part.allSatisfy(\.isASCIIHexDigit), let group = UInt16(part, radix: 16)
      else { return nil }
      groups.append(group)
    }
    if let gap {
      guard groups.count < 8 else { return nil }
      groups.insert(contentsOf: repeatElement(0, count: 8 - groups.count), at: gap)
    }
    guard groups.count == 8 else { return nil }
    high = groups[0..<4].reduce(0) { $0 << 16 | UInt64($1) }
    low = groups[4..<8].reduce(0) { $0 << 16 | UInt64($1) }
  }

  /// `::1`.
  public static let loopback = IPv6Address(high: 0, low: 1)
  /// `::`: any address, for binding.
  public static let any = IPv6Address(high: 0, low: 0)

  /// The eight 16-bit groups, most significant first.
  public var groups: [UInt16] {
    (0..<4).map { UInt16(truncatingIfNeeded: high >> (48 - 16 * $0)) }
      + (0..<4).map { UInt16(truncatingIfNeeded: low >> (48 - 16 * $0)) }
  }

  /// RFC 5952 canonical text: lower case, the longest run of zero groups (two or more) as `::`.
  public var description: String {
    let g = groups
    var bestStart = -1
    var bestLength = 1
    var index = 0
    while index < 8 {
      if g[index] == 0 {
        var end = index
        while end < 8 && g[end] == 0 { end += 1 }
        if end - index > bestLength {
          bestStart = index
          bestLength = end - index
        }
        index = end
      } else {
        index += 1
      }
    }
    func hex(_ range: Range<Int>) -> String {
      range.map { String(g[$0], radix: 16) }.joined(separator: ":")
    }
    if bestStart < 0 { return hex(0..<8) }
    return hex(0..<bestStart) + "::" + hex((bestStart + bestLength)..<8)
  }

  public static func < (lhs: Self, rhs: Self) -> Bool {
    (lhs.high, lhs.low) < (rhs.high, rhs.low)
  }
}
