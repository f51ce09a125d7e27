import ArgumentParser
import RTPAudio

/// `--quality` on the command line: linear, low, medium, high or very-high.
public struct ResamplerQualityArgument: ExpressibleByArgument, Sendable {
  public var value: ResamplerQuality

  public init(_ value: ResamplerQuality) {
    self.value = value
  }

  public init?(argument: String) {
    guard let value = ResamplerQuality(rawValue: argument.lowercased()) else { return nil }
    self.value = value
  }

  public var defaultValueDescription: String { value.rawValue }

  public static var allValueStrings: [String] { ResamplerQuality.allCases.map(\.rawValue) }

  public static var defaultCompletionKind: CompletionKind { .list(allValueStrings) }
}
