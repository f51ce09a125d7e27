import ArgumentParser
import RTPAudio

/// `--encoding` of raw audio input on the command line: s16le, ulaw or alaw.
public struct AudioEncodingArgument: ExpressibleByArgument, Sendable {
  public var value: AudioEncoding

  public init?(argument: String) {
    guard
      let value = AudioEncoding.allCases.first(where: { $0.description == argument.lowercased() })
    else { return nil }
    self.value = value
  }

  public static var allValueStrings: [String] { AudioEncoding.allCases.map(\.description) }

  public static var defaultCompletionKind: CompletionKind { .list(allValueStrings) }
}
