import ArgumentParser
import RTPCore

/// `--encoding` on the command line.
struct PayloadEncodingArgument: ExpressibleByArgument {
  var value: PayloadEncoding

  init?(argument: String) {
    guard let value = PayloadEncoding(rawValue: argument.lowercased()) else { return nil }
    self.value = value
  }

  static var allValueStrings: [String] { PayloadEncoding.allCases.map(\.rawValue) }
}
