#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// A sine tone as 16-bit samples, continuous across calls.
///
/// The phase advances by rotating a unit phasor, which costs two multiplications a sample
/// instead of a `sin`, and is renormalised every block so that rounding cannot make it drift.
public struct ToneGenerator: Sendable {
  /// Frequency in Hz.
  public let frequency: Double
  /// Samples per second.
  public let sampleRate: Int
  /// Peak amplitude in sample units.
  public let amplitude: Double

  private var real = 1.0
  private var imaginary = 0.0
  private let stepReal: Double
  private let stepImaginary: Double

  /// A tone of `frequency` Hz at `sampleRate`, peaking at `level` of full scale (0.5 ≈ −6 dBFS).
  ///
  /// - Precondition: `sampleRate` is positive.
  public init(frequency: Double, sampleRate: Int, level: Double = 0.5) {
    precondition(sampleRate > 0)
    self.frequency = frequency
    self.sampleRate = sampleRate
    self.amplitude = max(0, min(1, level)) * 32767
    let step = 2 * Double.pi * frequency / Double(sampleRate)
    stepReal = cos(step)
    stepImaginary = sin(step)
  }

  /// Fills `samples` with the next stretch of the tone.
  public mutating func fill(_ samples: UnsafeMutableBufferPointer<Int16>) {
    var re = real
    var im = imaginary
    for index in samples.indices {
      samples[index] = Int16((im * amplitude).rounded())
      let nextRe = re * stepReal - im * stepImaginary
      im = re * stepImaginary + im * stepReal
      re = nextRe
    }
    let norm = (re * re + im * im).squareRoot()
    real = re / norm
    imaginary = im / norm
  }
}
