/// Time arithmetic for pacing that saturates at the ends of `Int64` nanoseconds instead of
/// trapping: input-controlled capture times and RTP timestamps, divided by a `--speed` as small
/// as 1e-12, reach far past 292 years, and a deadline that far away is "never", not a crash.
@usableFromInline
enum PacingArithmetic {
  @inlinable
  static func add(_ a: Int64, _ b: Int64) -> Int64 {
    let (sum, overflow) = a.addingReportingOverflow(b)
    return overflow ? (b > 0 ? .max : .min) : sum
  }

  @inlinable
  static func subtract(_ a: Int64, _ b: Int64) -> Int64 {
    let (difference, overflow) = a.subtractingReportingOverflow(b)
    return overflow ? (b < 0 ? .max : .min) : difference
  }

  @inlinable
  static func multiply(_ a: Int64, _ b: Int64) -> Int64 {
    let (product, overflow) = a.multipliedReportingOverflow(by: b)
    return overflow ? ((a < 0) == (b < 0) ? .max : .min) : product
  }

  /// `value`, clamped to `Int64`'s range and rounded.
  @inlinable
  static func clamp(_ value: Double) -> Int64 {
    if value.isNaN { return 0 }
    // Double(Int64.max) is 2^63, one past the largest Int64.
    if value >= Double(Int64.max) { return .max }
    if value <= Double(Int64.min) { return .min }
    return Int64(value.rounded())
  }

  /// `nanoseconds` of input time at `speed` times real time.
  static func scale(_ nanoseconds: Int64, speed: Double) -> Int64 {
    speed == 1 ? nanoseconds : clamp(Double(nanoseconds) / speed)
  }

  /// The nanoseconds `ticks` of an RTP clock at `rate` Hz last: exact while that fits, else
  /// saturated.
  static func nanoseconds(ticks: Int64, rate: Int) -> Int64 {
    let (product, overflow) = ticks.multipliedReportingOverflow(by: 1_000_000_000)
    if !overflow { return product / Int64(rate) }
    return clamp(Double(ticks) * 1e9 / Double(rate))
  }
}
