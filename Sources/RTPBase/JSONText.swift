/// JSON text without Foundation, for the reports and `--stats` objects the tools print: the one
/// place that escapes strings, so that every JSON output agrees on it.
package enum JSONText {
  /// `value` as a JSON string (RFC 8259 section 7): in quotes, with `"` and `\` escaped, a
  /// line feed as `\n` and every other control character (below U+0020) as `\u00XX`, so that a
  /// file name or a peer's text cannot end the string or the line.
  package static func quoted(_ value: some StringProtocol) -> String {
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
    return escaped + "\""
  }
}
