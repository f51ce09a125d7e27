/// Fixed-point text for numbers, as `printf("%.Nf")` writes them, without Foundation.
package enum DecimalText {
  /// `value` with `decimals` digits after the point, rounded half away from zero.
  package static func fixed(_ value: Double, decimals: Int) -> String {
    guard value.isFinite else { return value.isNaN ? "nan" : (value < 0 ? "-inf" : "inf") }
    var scale: Double = 1
    for _ in 0..<decimals { scale *= 10 }
    let scaled = (abs(value) * scale).rounded()
    guard scaled < 9.0e18 else { return String(value) }
    let units = UInt64(scaled)
    let divisor = UInt64(scale)
    let whole = String(units / divisor)
    let sign = value < 0 && units != 0 ? "-" : ""
    guard decimals > 0 else { return sign + whole }
    let fraction = String(units % divisor)
    return sign + whole + "." + String(repeating: "0", count: decimals - fraction.count) + fraction
  }

  /// `text` right-aligned in `width` columns.
  package static func right(_ text: String, _ width: Int) -> String {
    text.count >= width ? text : String(repeating: " ", count: width - text.count) + text
  }
}
