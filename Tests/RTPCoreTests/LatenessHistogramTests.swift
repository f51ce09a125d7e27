import RTPCore
import Testing

@testable import RTPBase
@testable import RTPNetwork

@Suite("Lateness histogram")
struct LatenessHistogramTests {
  @Test("Every value lands in a bucket whose upper edge is at or above it and within 6.25 %")
  func bucketEdges() {
    var generator = SplitMix64(seed: 5)
    for _ in 0..<100_000 {
      let value =
        UInt64.random(in: 0...UInt64(Int64.max), using: &generator)
        >> UInt64.random(in: 0...62, using: &generator)
      let edge = LatenessHistogram.upperEdge(of: LatenessHistogram.bucket(of: value))
      #expect(UInt64(edge) >= value)
      #expect(Double(UInt64(edge) - value) <= Double(value) * 0.0625 + 1)
    }
  }

  @Test("Percentiles of a known distribution come out within a bucket")
  func percentiles() {
    var histogram = LatenessHistogram()
    for microseconds in 1...1000 { histogram.record(.microseconds(microseconds)) }
    #expect(histogram.count == 1000)
    #expect(histogram.maximum == .milliseconds(1))
    let p50 = Double(histogram.percentile(0.5).saturatingNanoseconds)
    let p99 = Double(histogram.percentile(0.99).saturatingNanoseconds)
    #expect(abs(p50 - 500_000) / 500_000 < 0.07)
    #expect(abs(p99 - 990_000) / 990_000 < 0.07)
    #expect(histogram.percentile(1) == .milliseconds(1))
  }

  @Test("Early events count as on time; an empty histogram says 0; merging adds")
  func edges() {
    var early = LatenessHistogram()
    early.record(.microseconds(-5))
    #expect(early.percentile(0.99) == .zero)
    #expect(LatenessHistogram().percentile(0.5) == .zero)
    var late = LatenessHistogram()
    late.record(.milliseconds(2))
    early.merge(late)
    #expect(early.count == 2 && early.maximum == .milliseconds(2))
  }
}
