/// A 64-bit NTP timestamp (RFC 5905): seconds since 1 January 1900 and a binary fraction, as
/// sender reports carry it.
///
/// The seconds wrap in February 2036; conversions read a timestamp whose top bit is clear as
/// era 1 (2036–2104), as RFC 4330 section 3 recommends.
public struct NTPTimestamp: Hashable, Sendable, Comparable {
  /// Seconds from 1900 to the Unix epoch (1970).
  public static let unixEpochOffset: Int64 = 2_208_988_800

  /// Whole seconds since 1900, modulo 2^32.
  public var seconds: UInt32
  /// Fractions of a second in units of 2^-32 s.
  public var fraction: UInt32

  /// The timestamp of `seconds` since 1900 and `fraction` of 2^-32 seconds.
  public init(seconds: UInt32, fraction: UInt32) {
    self.seconds = seconds
    self.fraction = fraction
  }

  /// The timestamp from its 64-bit wire form, seconds in the high half.
  public init(rawValue: UInt64) {
    self.init(
      seconds: UInt32(truncatingIfNeeded: rawValue >> 32),
      fraction: UInt32(truncatingIfNeeded: rawValue))
  }

  /// The timestamp of a time in nanoseconds since the Unix epoch, the fraction rounded to the
  /// nearest 2^-32 s.
  public init(unixNanoseconds: Int64) {
    let second: Int64 = 1_000_000_000
    var whole = unixNanoseconds / second
    var rest = unixNanoseconds % second
    if rest < 0 {
      whole -= 1
      rest += second
    }
    var fraction = (UInt64(rest) << 32 + UInt64(second / 2)) / UInt64(second)
    if fraction > UInt64(UInt32.max) {
      fraction = 0
      whole += 1
    }
    self.init(
      seconds: UInt32(truncatingIfNeeded: whole + Self.unixEpochOffset),
      fraction: UInt32(fraction))
  }

  /// The 64-bit wire form.
  public var rawValue: UInt64 { UInt64(seconds) << 32 | UInt64(fraction) }

  /// The middle 32 bits (16 of seconds, 16 of fraction): what a report block's LSR carries and
  /// the unit of round-trip arithmetic, 1/65536 s.
  public var middle32: UInt32 { UInt32(truncatingIfNeeded: rawValue >> 16) }

  /// Nanoseconds since the Unix epoch, rounded to the nearest nanosecond.
  public var unixNanoseconds: Int64 {
    let era: Int64 = seconds & 0x8000_0000 != 0 ? 0 : 1 << 32
    let whole = Int64(seconds) + era - Self.unixEpochOffset
    let nanos = (UInt64(fraction) * 1_000_000_000 + (1 << 31)) >> 32
    return whole * 1_000_000_000 + Int64(nanos)
  }

  public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }
}
