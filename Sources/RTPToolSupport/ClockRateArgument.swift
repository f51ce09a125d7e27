import ArgumentParser

/// `PT=HZ`: the clock rate of a payload type, for `--clock-rate` (rtpstat, rtpsend).
public struct ClockRateArgument: ExpressibleByArgument, Sendable {
  public var payloadType: UInt8
  public var rate: Int

  public init?(argument: String) {
    let parts = argument.split(separator: "=", omittingEmptySubsequences: false)
    guard parts.count == 2, let type = UInt8(parts[0]), type <= 127, let rate = Int(parts[1]),
      rate > 0, rate <= 10_000_000
    else { return nil }
    payloadType = type
    self.rate = rate
  }

  public static var defaultValueDescription: String { "PT=HZ" }

  /// The rates of `arguments` by payload type (the last one given wins).
  public static func table(_ arguments: [ClockRateArgument]) -> [UInt8: Int] {
    var rates: [UInt8: Int] = [:]
    for argument in arguments { rates[argument.payloadType] = argument.rate }
    return rates
  }
}
