import Foundation
import RTPCore

/// What the audio tool tests share: sox as the oracle, samples as bytes, and the options a man
/// page documents.
enum AudioTool {
  static let sox = Shell.has("sox")

  /// The repository's root.
  static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent()

  /// 16-bit little-endian bytes as samples.
  static func samples(_ data: some Collection<UInt8>) -> [Int16] {
    let bytes = Array(data)
    return stride(from: 0, to: bytes.count - 1, by: 2).map {
      Int16(bitPattern: UInt16(bytes[$0]) | UInt16(bytes[$0 + 1]) << 8)
    }
  }

  /// Samples as 16-bit little-endian bytes.
  static func bytes(_ samples: [Int16]) -> Data {
    Data(samples.flatMap { [UInt8(truncatingIfNeeded: $0), UInt8(truncatingIfNeeded: $0 >> 8)] })
  }

  /// The power of each DFT bin 0...N/2 of `signal`, in dB relative to the strongest.
  static func spectrum(_ signal: [Int16]) -> [Double] {
    let count = signal.count
    let cosines = (0..<count).map { cos(2 * Double.pi * Double($0) / Double(count)) }
    let sines = (0..<count).map { sin(2 * Double.pi * Double($0) / Double(count)) }
    let values = signal.map(Double.init)
    var powers: [Double] = []
    for bin in 0...(count / 2) {
      var real = 0.0
      var imaginary = 0.0
      var phase = 0
      for index in 0..<count {
        real += values[index] * cosines[phase]
        imaginary -= values[index] * sines[phase]
        phase += bin
        if phase >= count { phase -= count }
      }
      powers.append(real * real + imaginary * imaginary)
    }
    let peak = powers.max() ?? 1
    return powers.map { 10 * log10(max($0, 1e-30) / peak) }
  }
}
