import RTPCore
import Testing

@testable import RTPNetwork

@Suite("Network instants and durations")
struct NetworkInstantTests {
  @Test(
    "Adding and subtracting durations is exact inside Int64 nanoseconds and saturates outside",
    arguments: [
      (Int64(1_000), Duration.milliseconds(5), Int64(5_001_000)),
      (Int64(1_000), Duration.nanoseconds(-2_000), Int64(-1_000)),
      (Int64.max - 10, Duration.seconds(1), Int64.max),
      (Int64.min + 10, Duration.seconds(-1), Int64.min),
      (Int64(0), Duration.seconds(Int64.max), Int64.max),
    ])
  func addition(start: Int64, duration: Duration, expected: Int64) {
    let instant = NetworkInstant(nanoseconds: start)
    #expect((instant + duration).nanoseconds == expected)
    #expect(instant.advanced(by: duration).nanoseconds == expected)
    if expected != .max && expected != .min {
      #expect(instant + duration - duration == instant)
    }
  }

  @Test("The distance between two instants is a Duration, saturated at Int64 nanoseconds")
  func distance() {
    let a = NetworkInstant(nanoseconds: 2_500_000_000)
    let b = NetworkInstant(nanoseconds: 1_000)
    #expect(a - b == .nanoseconds(2_499_999_000))
    #expect(b - a == .nanoseconds(-2_499_999_000))
    #expect(b.duration(to: a) == a - b)
    #expect(
      NetworkInstant.distantFuture - NetworkInstant(nanoseconds: -1) == .nanoseconds(Int64.max))
    #expect(
      NetworkInstant(nanoseconds: .min) - NetworkInstant(nanoseconds: 1) == .nanoseconds(Int64.min))
    #expect(b < a && !(a < b) && NetworkInstant.distantFuture > a)
  }

  @Test("Durations convert to nanoseconds truncated toward zero, saturated")
  func nanoseconds() {
    #expect(Duration.milliseconds(1.5).saturatingNanoseconds == 1_500_000)
    #expect((Duration.nanoseconds(-7) / 2).saturatingNanoseconds == -3)
    #expect(Duration.seconds(-1.25).saturatingNanoseconds == -1_250_000_000)
    #expect((Duration.seconds(Int64.max) * 2).saturatingNanoseconds == .max)
    #expect((Duration.seconds(Int64.min) * 2).saturatingNanoseconds == .min)
    #expect(Duration.nanoseconds(Int64.max).saturatingNanoseconds == .max)
  }

  @Test("The clock runs forward: now is never before an earlier now")
  func now() {
    let first = NetworkInstant.now
    let second = NetworkClock.monotonic
    #expect(second >= first)
    #expect(second - first < .seconds(5))
  }
}
