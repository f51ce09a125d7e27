import RTPCore
import Testing

@testable import RTPBase

@Suite("CaptureTime")
struct CaptureTimeTests {
  static let latest: Int64 = (1 << 62) - 1
  static let earliest: Int64 = -(1 << 62)
  static let edges: [(Int64, Bool)] = [
    (0, true), (latest, true), (latest + 1, false), (earliest, true), (earliest - 1, false),
    (.max, false), (.min, false),
  ]
  static let texts: [(Int64, String)] = [
    (0, "0.000000000"), (-250_000_000, "-0.250000000"), (-1, "-0.000000001"),
    (1_500_000_000, "1.500000000"), (-1_000_000_000, "-1.000000000"),
    (earliest, "-4611686018.427387904"), (latest, "4611686018.427387903"),
  ]

  @Test("nanoseconds inside ±2^62 are capture times, outside are not", arguments: edges)
  func range(nanoseconds: Int64, inside: Bool) {
    #expect((CaptureTime(nanoseconds: nanoseconds) != nil) == inside)
    #expect((CaptureTime(exactly: Int128(nanoseconds)) != nil) == inside)
    let clamped = CaptureTime(clamping: nanoseconds).nanoseconds
    #expect(clamped == min(max(nanoseconds, Self.earliest), Self.latest))
  }

  @Test("the span between any two capture times is exact, the widest Int64.max")
  func spans() {
    #expect(CaptureTime.latest - CaptureTime.earliest == .max)
    #expect(CaptureTime.earliest - CaptureTime.latest == -.max)
    #expect(CaptureTime.latest.since(.epoch) == Self.latest)
  }

  @Test("advancing is checked or saturating, never a trap")
  func advancing() {
    #expect(CaptureTime.latest.advanced(by: 1) == nil)
    #expect(CaptureTime.earliest.advanced(by: -1) == nil)
    #expect(CaptureTime.epoch.advanced(by: .max) == nil)
    #expect(CaptureTime.epoch.advanced(by: 5)?.nanoseconds == 5)
    #expect(CaptureTime.latest.advanced(saturatingBy: .max) == .latest)
    #expect(CaptureTime.earliest.advanced(saturatingBy: .min) == .earliest)
    #expect(CaptureTime.epoch.advanced(saturatingBy: -7).nanoseconds == -7)
  }

  @Test("seconds and fractions, and the text people read", arguments: texts)
  func text(nanoseconds: Int64, text: String) throws {
    let time = try #require(CaptureTime(nanoseconds: nanoseconds))
    #expect(time.description == text)
    let (seconds, rest) = time.secondsAndNanoseconds
    #expect((0..<1_000_000_000).contains(rest))
    #expect(Int128(seconds) * 1_000_000_000 + Int128(rest) == Int128(nanoseconds))
    #expect(CaptureTime(seconds: seconds, nanoseconds: rest) == time)
  }
}
