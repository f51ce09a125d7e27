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
    var escaped = "\""
    for scalar in value.unicodeScalars {
      switch scalar {
      case "\"": escaped += "\\\""
      case "\\": escaped += "\\\\"
      case "\n": escaped += "\\n"
      case _ where scalar.value < 0x20:
        let hex = String(scalar.value, radix: 16)
        escaped += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
      default: escaped.unicodeScalars.append(scalar)
      }
    }
    fields.append((key, escaped + "\""))
  }

  public var description: String {
    "{" + fields.map { "\"\($0.0)\":\($0.1)" }.joined(separator: ",") + "}"
  }
}
