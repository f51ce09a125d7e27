import RTPCodecs
import RTPIO

/// Why decoding a stream to audio stopped.
public enum DecodingError: Error, Sendable, Equatable, CustomStringConvertible {
  /// A packet's payload type means nothing here: a dynamic type nobody mapped.
  case unmappedPayloadType(UInt8)
  /// The payload type is mapped to a format with no decoder (or to video).
  case unsupported(payloadType: UInt8, CodecError)
  /// The audio output cannot be written.
  case output(IOError)
  /// The audio output cannot take the stream's rate or channels, or resampling failed.
  case audio(String)

  /// One line: what failed and how to go on.
  public var description: String {
    switch self {
    case .unmappedPayloadType(let type):
      let example = type == 111 || type == 102 ? "opus/48000/2" : "NAME/RATE"
      return "payload type \(type) is dynamic and not mapped: name its codec with "
        + "--codec \(type)=\(example)"
    case .unsupported(let type, let error): return "payload type \(type): \(error)"
    case .output(let error): return "\(error)"
    case .audio(let why): return why
    }
  }
}
