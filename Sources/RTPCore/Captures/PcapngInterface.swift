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

  /// Converts a block's 64-bit timestamp to nanoseconds since the epoch, saturating at the ends
  /// of `Int64` instead of trapping on absurd values.
  func nanoseconds(fromTicks ticks: UInt64) -> Int64 {
    let exponent = Int(resolution & 0x7F)
    let nanos: UInt128
    if resolution == 6 {
      nanos = UInt128(ticks) * 1_000
    } else if resolution & 0x80 != 0 {
      nanos = (UInt128(ticks) * 1_000_000_000) >> exponent
    } else if exponent <= 9 {
      nanos = UInt128(ticks) * Self.powerOfTen(9 - exponent)
    } else if exponent - 9 <= 38 {
      nanos = UInt128(ticks) / Self.powerOfTen(exponent - 9)
    } else {
      nanos = 0
    }
    let base = nanos > UInt128(Int64.max) ? Int64.max : Int64(nanos)
    let (shift, shiftOverflow) = offsetSeconds.multipliedReportingOverflow(by: 1_000_000_000)
    if shiftOverflow { return offsetSeconds < 0 ? Int64.min : Int64.max }
    let (sum, sumOverflow) = base.addingReportingOverflow(shift)
    if sumOverflow { return shift < 0 ? Int64.min : Int64.max }
    return sum
  }

  private static func powerOfTen(_ exponent: Int) -> UInt128 {
    var value: UInt128 = 1
    for _ in 0..<exponent { value *= 10 }
    return value
  }
}
