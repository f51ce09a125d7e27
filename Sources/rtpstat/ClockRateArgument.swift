import ArgumentParser

/// `PT=HZ`: the clock rate of a payload type, for `--clock-rate`.
struct ClockRateArgument: ExpressibleByArgument, Sendable {
  var payloadType: UInt8
  var rate: Int

  init?(argument: String) {
    let parts = argument.split(separator: "=", omittingEmptySubsequences: false)
    guard parts.count == 2, let type = UInt8(parts[0]), type <= 127, let rate = Int(parts[1]),
      rate > 0, rate <= 10_000_000
    else { return nil }
    payloadType = type
    self.rate = rate
  }

  static var defaultValueDescription: String { "PT=HZ" }
}
