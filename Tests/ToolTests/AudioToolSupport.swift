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

  /// The options `.It Fl` lines of `man/man1/<tool>.1` document, and those `tool --help` lists.
  static func options(of tool: String) throws -> (documented: Set<String>, listed: Set<String>) {
    let page = root.appendingPathComponent("man/man1/\(tool).1")
    let text = try String(contentsOf: page, encoding: .utf8)
    var documented = Set<String>()
    for line in text.split(separator: "\n") where line.hasPrefix(".It Fl ") {
      for part in line.split(separator: ",") {
        let words = part.split(separator: " ")
        if let index = words.firstIndex(of: "Fl"), index + 1 < words.count {
          documented.insert("-" + words[index + 1].replacingOccurrences(of: "\\-", with: "-"))
        }
      }
    }
    var listed = Set<String>()
    for line in Shell.run("\(tool) --help").lines where line.hasPrefix("  -") {
      // The option column only: names and their <values>, up to the help text.
      for word in line.split(separator: " ") {
        if word.hasPrefix("-") {
          listed.insert(String(word.trimmingCharacters(in: CharacterSet(charactersIn: ","))))
        } else if !word.hasPrefix("<") {
          break
        }
      }
    }
    return (documented, listed)
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
