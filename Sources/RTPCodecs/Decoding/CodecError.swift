/// Why a payload could not be decoded, or a payload format has no decoder here.
public enum CodecError: Error, Sendable, Equatable, CustomStringConvertible {
  /// The payload is not what its format says (a table of contents longer than the payload,
  /// a frame of the wrong size); the text says what.
  case corrupt(String)
  /// The format has no decoder (or encoder) in this toolkit; the text says why.
  case unsupported(PayloadFormat, String)
  /// The codec library refused; its call and message.
  case library(call: String, message: String)
  /// The format's parameters are out of range for the codec (an L16 rate of 0, an Opus channel
  /// count of 3).
  case invalidParameters(PayloadFormat, String)

  /// One line saying what failed.
  public var description: String {
    switch self {
    case .corrupt(let why): "corrupt payload: \(why)"
    case .unsupported(let format, let why): "\(format): \(why)"
    case .library(let call, let message): "\(call) failed: \(message)"
    case .invalidParameters(let format, let why): "\(format): \(why)"
    }
  }
}
