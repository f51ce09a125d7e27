import ArgumentParser
import RTPCodecs

/// `--codec`: an encoding name alone (`opus`, `g722`, `amr`), which means its conventional
/// format, or the `a=rtpmap` form with parameters (`L16/16000/2`, `AMR/8000;octet-align=1`,
/// `opus;stereo=1`).
struct CodecArgument: ExpressibleByArgument {
  /// The format as given, its rate `nil` when only the name was.
  var name: String
  var clockRate: Int?
  var channels: Int?
  var parameters: FormatParameters

  init?(argument: String) {
    let split = argument.split(separator: ";", maxSplits: 1, omittingEmptySubsequences: false)
    if split[0].contains("/") {
      guard let parsed = try? PayloadFormat(parsing: argument) else { return nil }
      name = parsed.encodingName
      clockRate = parsed.clockRate
      let fields = split[0].split(separator: "/")
      channels = fields.count == 3 ? parsed.channels : nil
      parameters = parsed.parameters
    } else {
      let trimmed = split[0].filter { $0 != " " }
      guard !trimmed.isEmpty, let probe = try? PayloadFormat(parsing: "\(trimmed)/8000") else {
        return nil
      }
      name = probe.encodingName
      clockRate = nil
      channels = nil
      parameters = split.count > 1 ? FormatParameters(parsing: split[1]) : FormatParameters()
    }
  }

  static var defaultCompletionKind: CompletionKind {
    .list(CodecRegistry.encodableEncodings)
  }
}
