/// How many records were skipped, for each ``SkipReason``.
public struct SkipCounters: Sendable, Hashable {
  private var counts = [Int](repeating: 0, count: SkipReason.allCases.count)

  /// Creates counters that are all zero.
  public init() {}

  /// The number of records skipped for `reason`.
  public subscript(reason: SkipReason) -> Int {
    counts[reason.rawValue]
  }

  /// The number of records skipped for any reason.
  public var total: Int { counts.reduce(0, +) }

  /// Counts one more record skipped for `reason`.
  public mutating func count(_ reason: SkipReason) {
    counts[reason.rawValue] &+= 1
  }

  /// Counts `number` more records skipped for `reason`.
  public mutating func count(_ reason: SkipReason, _ number: Int) {
    counts[reason.rawValue] &+= number
  }

  /// Adds every count of `other` to these.
  public mutating func add(_ other: SkipCounters) {
    for index in counts.indices { counts[index] &+= other.counts[index] }
  }

  /// The reasons with a non-zero count, in declaration order, with their counts.
  public var nonZero: [(reason: SkipReason, count: Int)] {
    SkipReason.allCases.compactMap { counts[$0.rawValue] > 0 ? ($0, counts[$0.rawValue]) : nil }
  }
}
