import RTPIO

/// Why an audio filter (``AudioTranscoder``, ``AudioResamplingFilter``) stopped: its input was
/// damaged or could not be read, its output could not be written, or the resampler failed.
///
/// For ``input(_:)`` the filter has already written every whole sample before the damage and
/// finished the writer; for the others, what reached the output is all there is.
public enum AudioFilterError: Error, CustomStringConvertible, Sendable, Equatable {
  /// The reader failed: damage (the tool's exit status 65), a read error (74), or a channel the
  /// input lacks (64); see ``AudioError/isUsageError``.
  case input(AudioError)
  /// Writing failed; ``/RTPIO/IOError/brokenPipe`` when the reader downstream went away.
  case output(IOError)
  /// The resampler failed.
  case resampler(ResamplerError)
  /// A ``Resampler`` of the caller's threw an error of its own, carried as it was thrown.
  case resamplerThrew(any Error)

  public var description: String {
    switch self {
    case .input(let error): return error.description
    case .output(let error): return error.description
    case .resampler(let error): return error.description
    case .resamplerThrew(let error): return "\(error)"
    }
  }

  /// Equal cases with equal errors; errors of a caller's resampler, whose type need not be
  /// `Equatable`, are equal when they are of one type and read the same.
  public static func == (lhs: Self, rhs: Self) -> Bool {
    switch (lhs, rhs) {
    case (.input(let left), .input(let right)): return left == right
    case (.output(let left), .output(let right)): return left == right
    case (.resampler(let left), .resampler(let right)): return left == right
    case (.resamplerThrew(let left), .resamplerThrew(let right)):
      return type(of: left) == type(of: right) && "\(left)" == "\(right)"
    default: return false
    }
  }
}
