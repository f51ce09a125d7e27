import ArgumentParser
import RTPCodecs

extension PayloadTypeMapping: ExpressibleByArgument {
  public init?(argument: String) {
    guard let parsed = try? PayloadTypeMapping(parsing: argument) else { return nil }
    self = parsed
  }
}
