import ArgumentParser

/// A time in seconds written as a decimal (`30`, `0.5`, `1700000000.25`), kept exactly as
/// nanoseconds.
public struct DecimalSeconds: ExpressibleByArgument, Sendable, Hashable {
  /// The value in nanoseconds.
  public var nanoseconds: Int64

  public init(nanoseconds: Int64) {
    self.nanoseconds = nanoseconds
  }

  /// Parses `[-]DIGITS[.DIGITS]`, at most nine fractional digits counting; `nil` otherwise.
  public init?(argument: String) {
    var text = Substring(argument)
    let negative = text.hasPrefix("-")
    if negative { text = text.dropFirst() }
    let parts = text.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
    guard let whole = parts.first, !(whole.isEmpty && parts.count == 1),
      whole.allSatisfy({ $0.isASCII && $0.isNumber })
    else { return nil }
    let fraction = parts.count == 2 ? parts[1] : ""
    guard fraction.allSatisfy({ $0.isASCII && $0.isNumber }), !(whole.isEmpty && fraction.isEmpty)
    else { return nil }
    guard let seconds = whole.isEmpty ? 0 : Int64(whole), seconds <= Int64.max / 1_000_000_000
    else { return nil }
    var nanos: Int64 = 0
    var scale: Int64 = 100_000_000
    for digit in fraction.prefix(9) {
      nanos += Int64(digit.wholeNumberValue!) * scale
      scale /= 10
    }
    // 9223372036.9 s passes the check above and is still past Int64 nanoseconds: not a value.
    let (total, overflow) = (seconds * 1_000_000_000).addingReportingOverflow(nanos)
    guard !overflow else { return nil }
    nanoseconds = negative ? -total : total
  }

  /// The value as help shows a default: seconds with only the fractional digits it needs.
  public var defaultValueDescription: String {
    let magnitude = nanoseconds.magnitude
    var text = (nanoseconds < 0 ? "-" : "") + String(magnitude / 1_000_000_000)
    var fraction = magnitude % 1_000_000_000
    if fraction != 0 {
      var digits = 9
      while fraction % 10 == 0 {
        fraction /= 10
        digits -= 1
      }
      let written = String(fraction)
      text += "." + String(repeating: "0", count: digits - written.count) + written
    }
    return text
  }
}
