import ArgumentParser
import RTPAudio

/// `--encoding` on the command line: pcmu, pcma or l16.
public struct PayloadEncodingArgument: ExpressibleByArgument, Sendable {
  public var value: PayloadEncoding

  public init?(argument: String) {
    guard let value = PayloadEncoding(rawValue: argument.lowercased()) else { return nil }
    self.value = value
  }

  public static var allValueStrings: [String] { PayloadEncoding.allCases.map(\.rawValue) }

  public static var defaultCompletionKind: CompletionKind { .list(allValueStrings) }
}
