/// A fixed-size histogram of how late events happened, to the nanosecond, for percentiles.
///
/// Values fall in log-linear buckets (16 sub-buckets per power of two, about 6 % wide), so
/// recording is O(1), memory is constant whatever is recorded, and a percentile is exact to
/// the bucket: close enough to tell 0.3 ms from 3 ms. Early events (negative lateness) count
/// as 0.
public struct LatenessHistogram: Sendable, Hashable {
  private static let subBuckets = 16
  private static let bucketCount = 64 * subBuckets
  private var counts: [UInt64]
  /// Events recorded.
  public private(set) var count: UInt64 = 0
  private var maximumNanoseconds: Int64 = 0
  /// The largest lateness recorded, exactly (to the nanosecond).
  public var maximum: Duration { .nanoseconds(maximumNanoseconds) }

  /// An empty histogram.
  public init() {
    counts = Array(repeating: 0, count: Self.bucketCount)
  }

  /// Records one event `lateness` late (truncated to the nanosecond; early counts as 0).
  public mutating func record(_ lateness: Duration) {
    record(nanoseconds: lateness.saturatingNanoseconds)
  }

  /// Records one event `nanoseconds` late: the worker's per-datagram path, without `Duration`'s
  /// 128-bit arithmetic.
  package mutating func record(nanoseconds: Int64) {
    let value = max(0, nanoseconds)
    counts[Self.bucket(of: UInt64(value))] += 1
    count += 1
    if value > maximumNanoseconds { maximumNanoseconds = value }
  }

  /// Adds another histogram's events.
  public mutating func merge(_ other: LatenessHistogram) {
    for index in counts.indices { counts[index] += other.counts[index] }
    count += other.count
    maximumNanoseconds = max(maximumNanoseconds, other.maximumNanoseconds)
  }

  /// The lateness below which `fraction` (0...1) of the events fall: the upper edge of the
  /// bucket holding that rank, never above ``maximum``. Zero when nothing was recorded.
  public func percentile(_ fraction: Double) -> Duration {
    .nanoseconds(percentileNanoseconds(fraction))
  }

  private func percentileNanoseconds(_ fraction: Double) -> Int64 {
    guard count > 0 else { return 0 }
    let rank = UInt64((Double(count) * min(max(fraction, 0), 1)).rounded(.up))
    var seen: UInt64 = 0
    for index in counts.indices {
      seen += counts[index]
      if seen >= max(rank, 1) { return min(Self.upperEdge(of: index), maximumNanoseconds) }
    }
    return maximumNanoseconds
  }

  /// Bucket of `value`: values below 16 have a bucket each; above, 16 buckets per power of two.
  static func bucket(of value: UInt64) -> Int {
    if value < UInt64(subBuckets) { return Int(value) }
    let magnitude = 63 - value.leadingZeroBitCount  // 4...63
    let shift = magnitude - 4
    let sub = Int((value >> UInt64(shift)) & 0x0F)
    return (magnitude - 3) * subBuckets + sub
  }

  /// The largest value bucket `index` holds.
  static func upperEdge(of index: Int) -> Int64 {
    if index < subBuckets { return Int64(index) }
    let magnitude = index / subBuckets + 3
    let sub = UInt64(index % subBuckets)
    let shift = UInt64(magnitude - 4)
    let low = (UInt64(16) | sub) << shift
    let high = low &+ ((1 << shift) &- 1)
    return high > UInt64(Int64.max) ? Int64.max : Int64(high)
  }
}
