import RTPBase

/// What a pcapng interface description block says about the packets captured on it.
struct PcapngInterface {
  /// The interface's link type.
  var linkType: LinkType
  /// The largest caplen accepted on this interface.
  var snaplen: UInt32
  /// `if_tsresol`: bit 7 clear, the unit is 10^-n s; set, 2^-n s (n the low 7 bits).
  var resolution: UInt8 = 6
  /// `if_tsoffset`: seconds to add to every timestamp.
  var offsetSeconds: Int64 = 0

  /// Converts a block's 64-bit timestamp to a capture time: the ticks in the interface's unit
  /// (rounded down to whole nanoseconds) plus the offset, computed in 128 bits so that no
  /// resolution or offset can overflow; `nil` when the result is outside ``CaptureTime/range``.
  func time(fromTicks ticks: UInt64) -> CaptureTime? {
    let exponent = Int(resolution & 0x7F)
    let nanos: UInt128
    if resolution == 6 {
      nanos = UInt128(ticks) * 1_000
    } else if resolution & 0x80 != 0 {
      // Below 2^64 × 10^9 < 2^94 before the shift, whatever the exponent (at most 127).
      nanos = (UInt128(ticks) * 1_000_000_000) >> exponent
    } else if exponent <= 9 {
      nanos = UInt128(ticks) * Self.powerOfTen(9 - exponent)
    } else if exponent - 9 <= 38 {
      nanos = UInt128(ticks) / Self.powerOfTen(exponent - 9)
    } else {
      // A unit below 10^-47 s: every 64-bit count is less than a nanosecond.
      nanos = 0
    }
    // Below 2^64 × 10^9 and |offset| × 10^9 below 2^94: the sum fits Int128.
    return CaptureTime(exactly: Int128(nanos) + Int128(offsetSeconds) * 1_000_000_000)
  }

  private static func powerOfTen(_ exponent: Int) -> UInt128 {
    var value: UInt128 = 1
    for _ in 0..<exponent { value *= 10 }
    return value
  }
}
