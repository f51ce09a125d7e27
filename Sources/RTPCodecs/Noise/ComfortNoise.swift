import RTPBase

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// Comfort noise as RFC 3389 signals it: white noise at the level the last CN payload gave (its
/// first byte, the level in -dBov, 0 to 127), played where the sender stopped sending audio.
///
/// The spectral coefficients that may follow the level are not applied: the noise is white.
/// A seeded generator makes the same noise for the same stream.
public struct ComfortNoise: Sendable {
  /// The level in -dBov of the noise made now; 127 is silence.
  public private(set) var level: UInt8 = 127
  private var amplitude: Float = 0
  private var generator = SplitMix64(seed: 0x5EED_C0FF)

  /// Silence until ``update(_:)``.
  public init() {}

  /// Takes a CN payload; one without a level byte leaves the level as it was.
  public mutating func update(_ payload: UnsafeRawBufferPointer) {
    guard let first = payload.first else { return }
    setLevel(first & 0x7F)
  }

  /// Sets the level, in -dBov.
  public mutating func setLevel(_ decibels: UInt8) {
    level = min(decibels, 127)
    // RMS of level L dBov is 32767 × 10^(-L/20); uniform noise of amplitude a has RMS a/√3.
    let rms = level >= 127 ? 0 : 32767 * powf(10, -Float(level) / 20)
    amplitude = rms * Float(3).squareRoot()
  }

  /// Writes `frames` frames of `channels` interleaved channels of noise at the current level.
  public mutating func fill(
    _ output: UnsafeMutableBufferPointer<Int16>, frames: Int, channels: Int
  ) {
    let count = frames * channels
    guard amplitude > 0 else {
      for index in 0..<count { output[index] = 0 }
      return
    }
    for index in 0..<count {
      let unit = Float(generator.next() >> 40) / Float(1 << 24) * 2 - 1
      output[index] = Int16(max(-32768, min(32767, (unit * amplitude).rounded())))
    }
  }
}
