/// How a resampler trades speed for fidelity.
public enum ResamplerQuality: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
  /// Linear interpolation between neighbouring samples: librtpsynth's algorithm, fast and
  /// aliasing.
  case linear
  /// libsoxr's low quality: 16-bit precision with a wide roll-off.
  case low
  /// libsoxr's medium quality: 16-bit precision with a medium roll-off.
  case medium
  /// libsoxr's high quality (20-bit precision), the default: what `sox rate -h` does.
  case high
  /// libsoxr's very high quality (28-bit precision).
  case veryHigh = "very-high"

  public var description: String { rawValue }
}
