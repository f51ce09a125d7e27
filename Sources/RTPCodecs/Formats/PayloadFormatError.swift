/// Why a payload format or a payload-type mapping could not be read.
public enum PayloadFormatError: Error, Sendable, Equatable, CustomStringConvertible {
  /// The text is not `PT=NAME/RATE[/CHANNELS][;PARAMETERS]`; the associated text says what.
  case malformed(String, reason: String)

  /// One line: the text and what is wrong with it.
  public var description: String {
    switch self {
    case .malformed(let text, let reason): "'\(text)': \(reason)"
    }
  }
}
