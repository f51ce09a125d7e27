/// A capture time: nanoseconds since the Unix epoch, held to ``range`` (±2^62 ns, from
/// 1823-11-12 to 2116-02-20) so that arithmetic on capture times never traps.
///
/// Why this range: it holds every time a pcap file (unsigned 32-bit seconds, to 2106-02-07) or an
/// rtpdump file (the same seconds plus 32-bit milliseconds) can store, and it keeps the span
/// between any two capture times inside `Int64`, so that statistics can subtract any two times
/// of a capture exactly. The readers convert every record's time through this type: a pcapng
/// record whose interface resolution and offset put it outside the range cannot be represented
/// and is refused (`CaptureError.timestampOutOfRange(at:)`, `record N: timestamp out of
/// range`) after the good records before it. Code that takes a time from elsewhere (a caller's
/// `Int64`) clamps it with ``init(clamping:)``, which changes no time a reader returns.
public struct CaptureTime: Hashable, Comparable, Sendable, CustomStringConvertible {
  /// The nanoseconds this type holds: -2^62 ... 2^62 - 1.
  public static let range: ClosedRange<Int64> = -(1 << 62)...((1 << 62) - 1)
  /// The earliest capture time, 2^62 ns before the epoch.
  public static let earliest = CaptureTime(unchecked: range.lowerBound)
  /// The latest capture time, 2^62 - 1 ns after the epoch.
  public static let latest = CaptureTime(unchecked: range.upperBound)
  /// The Unix epoch.
  public static let epoch = CaptureTime(unchecked: 0)

  /// Nanoseconds since the Unix epoch, within ``range``.
  public let nanoseconds: Int64

  @usableFromInline
  package init(unchecked nanoseconds: Int64) {
    self.nanoseconds = nanoseconds
  }

  /// The time `nanoseconds` after the epoch, or `nil` when it is outside ``range``.
  @inlinable
  public init?(nanoseconds: Int64) {
    guard Self.range.contains(nanoseconds) else { return nil }
    self.nanoseconds = nanoseconds
  }

  /// The time `nanoseconds` after the epoch, computed in 128 bits by a reader; `nil` when it is
  /// outside ``range``.
  @inlinable
  public init?(exactly nanoseconds: Int128) {
    guard nanoseconds >= Int128(Self.range.lowerBound),
      nanoseconds <= Int128(Self.range.upperBound)
    else { return nil }
    self.nanoseconds = Int64(nanoseconds)
  }

  /// `seconds` and `fraction` nanoseconds after the epoch (the fraction need not be below one
  /// second), or `nil` when the sum is outside ``range``.
  @inlinable
  public init?(seconds: Int64, nanoseconds fraction: Int64) {
    self.init(exactly: Int128(seconds) * 1_000_000_000 + Int128(fraction))
  }

  /// `nanoseconds` after the epoch, the nearest end of ``range`` when it is outside: for times
  /// that did not come from a reader.
  @inlinable
  public init(clamping nanoseconds: Int64) {
    self.nanoseconds = min(max(nanoseconds, Self.range.lowerBound), Self.range.upperBound)
  }

  /// The nanoseconds from `earlier` to `self` (negative when `earlier` is later): always exact,
  /// since both are within ``range``.
  @inlinable
  public func since(_ earlier: CaptureTime) -> Int64 {
    nanoseconds &- earlier.nanoseconds
  }

  /// The nanoseconds from `earlier` to `self`; see ``since(_:)``.
  @inlinable
  public static func - (later: CaptureTime, earlier: CaptureTime) -> Int64 {
    later.since(earlier)
  }

  /// The time `span` nanoseconds later (earlier when negative), or `nil` when it is outside
  /// ``range``.
  @inlinable
  public func advanced(by span: Int64) -> CaptureTime? {
    CaptureTime(exactly: Int128(nanoseconds) + Int128(span))
  }

  /// The time `span` nanoseconds later (earlier when negative), the nearest end of ``range``
  /// when it would be outside.
  @inlinable
  public func advanced(saturatingBy span: Int64) -> CaptureTime {
    let sum = Int128(nanoseconds) + Int128(span)
    if sum < Int128(Self.range.lowerBound) { return .earliest }
    if sum > Int128(Self.range.upperBound) { return .latest }
    return CaptureTime(unchecked: Int64(sum))
  }

  /// Whole seconds since the epoch, rounded down, and the nanoseconds after them (0 ... 10^9 - 1).
  @inlinable
  public var secondsAndNanoseconds: (seconds: Int64, nanoseconds: Int64) {
    let second: Int64 = 1_000_000_000
    var seconds = nanoseconds / second
    var rest = nanoseconds % second
    if rest < 0 {
      seconds -= 1
      rest += second
    }
    return (seconds, rest)
  }

  @inlinable
  public static func < (lhs: CaptureTime, rhs: CaptureTime) -> Bool {
    lhs.nanoseconds < rhs.nanoseconds
  }

  /// Seconds since the epoch with nine decimals, such as `-1.250000000`.
  public var description: String {
    let (seconds, rest) = secondsAndNanoseconds
    // Printed from the magnitude so that -0.25 s reads -0.250000000, not -1.750000000.
    if seconds < 0 && rest > 0 {
      let magnitude = -(seconds + 1)
      let fraction = String(1_000_000_000 - rest)
      return "-\(magnitude)." + String(repeating: "0", count: 9 - fraction.count) + fraction
    }
    let fraction = String(rest)
    let sign = seconds < 0 ? "-" : ""
    return "\(sign)\(seconds.magnitude)." + String(repeating: "0", count: 9 - fraction.count)
      + fraction
  }
}
