import ArgumentParser
import RTPAudio

/// `--law` on the command line: `u` for µ-law, `a` for A-law (`ulaw` and `alaw` accepted too).
public struct G711LawArgument: ExpressibleByArgument, Sendable {
  public var value: G711Law

  public init(_ value: G711Law) {
    self.value = value
  }

  public init?(argument: String) {
    switch argument.lowercased() {
    case "u", "ulaw", "mulaw", "µ": value = .ulaw
    case "a", "alaw": value = .alaw
    default: return nil
    }
  }

  public var defaultValueDescription: String { value.rawValue }

  public static var allValueStrings: [String] { G711Law.allCases.map(\.rawValue) }

  public static var defaultCompletionKind: CompletionKind { .list(allValueStrings) }
}
