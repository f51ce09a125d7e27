import ArgumentParser

/// `--bitrate`: bits per second, as a number or with a `k` suffix (`24k`, `12.2k`).
struct BitRateArgument: ExpressibleByArgument {
  var value: Int

  init?(argument: String) {
    let lower = argument.lowercased()
    let scaled = lower.hasSuffix("k")
    guard let number = Double(scaled ? String(lower.dropLast()) : lower), number.isFinite,
      number > 0, number < 100_000_000
    else { return nil }
    value = Int((scaled ? number * 1000 : number).rounded())
  }
}
