import RTPIO

/// Why audio could not be read or a writer could not be set up: where the damage is and what it
/// is.
///
/// Whole frames before the damage have already been delivered by the reader. Tools print
/// `tool: FILE: ` followed by ``description`` and exit with 64 (usage) when ``isUsageError``,
/// 74 for ``io(_:)`` (quietly for a broken pipe), and 65 (bad input data) otherwise.
public enum AudioError: Error, CustomStringConvertible, Sendable, Equatable {
  /// The caller's parameters cannot work: a raw format with a rate or channel count out of
  /// range, or a writer asked for a format it cannot store.
  case invalidParameters(String)
  /// ``ChannelSelection/channel(_:)`` names a channel the input does not have.
  case noSuchChannel(requested: Int, channels: Int)
  /// ``AudioReader/readEncoded(into:)`` was called on input that is not mono µ-law or A-law.
  case notEncoded(AudioFormat)
  /// The input holds no bytes at all.
  case emptyInput
  /// Raw samples were expected, but the input is a file of another kind: a capture or
  /// compressed data.
  case notAudio(InputContent)
  /// Neither the WAV reader nor libsndfile recognises the input; `prefix` holds up to its first
  /// four bytes and `message` is libsndfile's reason.
  case unrecognizedFormat(prefix: [UInt8], message: String)
  /// The input ends inside a header, at byte `offset`.
  case truncatedHeader(offset: UInt64, reason: String)
  /// A header is inconsistent or absurd (zero channels, a rate of 0, a chunk that overruns its
  /// parent, a block size that does not match the sample size); `offset` is the field's byte.
  case malformedHeader(offset: UInt64, reason: String)
  /// The header is sound but describes samples this reader does not decode.
  case unsupportedEncoding(offset: UInt64, reason: String)
  /// The input ends at byte `offset`, after `frame` whole frames, before the end its header
  /// declares (byte `declaredEnd`).
  case truncatedData(offset: UInt64, frame: UInt64, declaredEnd: UInt64)
  /// The data ends after `frame` frames, before the `declared` frames its header (a FLAC
  /// STREAMINFO, an AIFF COMM chunk) counts; libsndfile read what was there.
  case missingFrames(frame: UInt64, declared: UInt64)
  /// The data ends with `bytes` bytes of a frame of `bytesPerFrame` (an odd byte count in
  /// 16-bit audio, say) at byte `offset`, after `frame` whole frames.
  case partialFrame(offset: UInt64, frame: UInt64, bytes: Int, bytesPerFrame: Int)
  /// The sizes in the header disagree with each other at byte `offset`, after `frame` frames.
  case malformedData(offset: UInt64, frame: UInt64, reason: String)
  /// libsndfile failed with `message`, after `frame` frames when it failed while reading.
  case library(message: String, frame: UInt64?)
  /// Reading or writing failed.
  case io(IOError)

  /// Whether the caller, not the input, is at fault: tools exit 64 for these.
  public var isUsageError: Bool {
    switch self {
    case .invalidParameters, .noSuchChannel, .notEncoded: return true
    default: return false
    }
  }

  /// One line such as `byte 44, frame 4000: data ends early: its header declares 16044 bytes`.
  public var description: String {
    switch self {
    case .invalidParameters(let reason):
      return reason
    case .noSuchChannel(let requested, let channels):
      return "no channel \(requested): the input has \(channels)"
    case .notEncoded(let format):
      return "input is \(format), not mono µ-law or A-law"
    case .emptyInput:
      return "empty input"
    case .notAudio(let content):
      return "input is \(content), not audio"
    case .unrecognizedFormat(let prefix, let message):
      let hex = prefix.map { byte in
        let digits = String(byte, radix: 16)
        return digits.count == 1 ? "0" + digits : digits
      }
      return "byte 0: not a known audio file (starts 0x\(hex.joined())): \(Self.clause(message))"
    case .truncatedHeader(let offset, let reason):
      return "byte \(offset): truncated header: \(reason)"
    case .malformedHeader(let offset, let reason):
      return "byte \(offset): \(reason)"
    case .unsupportedEncoding(let offset, let reason):
      return "byte \(offset): unsupported encoding: \(reason)"
    case .truncatedData(let offset, let frame, let declaredEnd):
      return
        "byte \(offset), frame \(frame): data ends early: its header declares \(declaredEnd) bytes"
    case .missingFrames(let frame, let declared):
      return "frame \(frame): data ends early: its header declares \(declared) frames"
    case .partialFrame(let offset, let frame, let bytes, let bytesPerFrame):
      return
        "byte \(offset), frame \(frame): data ends with \(bytes) bytes of a \(bytesPerFrame)-byte frame"
    case .malformedData(let offset, let frame, let reason):
      return "byte \(offset), frame \(frame): \(reason)"
    case .library(let message, let frame):
      if let frame { return "frame \(frame): libsndfile: \(Self.clause(message))" }
      return "libsndfile: \(Self.clause(message))"
    case .io(let error):
      return error.description
    }
  }

  /// libsndfile's sentence ("Format not recognised.") as a clause of one line, like the
  /// project's own messages: lower-case first letter, no full stop.
  private static func clause(_ message: String) -> String {
    var text = Substring(message)
    while text.last == "." || text.last == " " || text.last == "\n" { text = text.dropLast() }
    guard let first = text.first, first.isUppercase,
      text.dropFirst().first.map({ !$0.isUppercase }) ?? true
    else { return String(text) }
    return first.lowercased() + text.dropFirst()
  }
}
