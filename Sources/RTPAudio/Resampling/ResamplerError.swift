/// Why a resampler could not be made or could not go on.
public enum ResamplerError: Error, CustomStringConvertible, Sendable, Hashable {
  /// A rate that is not positive, or too large to mean anything.
  case invalidRate(Int)
  /// libsoxr refused, with its message.
  case soxr(String)
  /// Up-sampling by more than libsoxr serves (``SoxrResampler/maximumUpsamplingRatio``).
  case ratioTooLarge(inputRate: Int, outputRate: Int, maximum: Int)

  public var description: String {
    switch self {
    case .invalidRate(let rate): return "invalid sample rate \(rate) Hz"
    case .soxr(let message): return "libsoxr: \(message)"
    case .ratioTooLarge(let inputRate, let outputRate, let maximum):
      return
        "\(inputRate) Hz to \(outputRate) Hz is up-sampling more than \(maximum) times, which "
        + "libsoxr cannot do"
    }
  }
}
