import RTPBase

/// One JSON object of counters, keys in the order given, as `--stats` prints it.
public struct StatisticsJSON: CustomStringConvertible, Sendable {
  private var fields: [(String, String)] = []

  public init() {}

  /// Adds an integer counter.
  public mutating func add(_ key: String, _ value: some BinaryInteger) {
    fields.append((key, String(value)))
  }

  /// Adds a number with up to three decimals.
  public mutating func add(_ key: String, _ value: Double) {
    let rounded = (value * 1000).rounded() / 1000
    fields.append((key, value.isFinite ? String(rounded) : "null"))
  }

  /// Adds a string, escaped.
  public mutating func add(_ key: String, _ value: String) {
    fields.append((key, JSONText.quoted(value)))
  }

  public var description: String {
    "{" + fields.map { "\"\($0.0)\":\($0.1)" }.joined(separator: ",") + "}"
  }
}
