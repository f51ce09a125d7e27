import RTPCore
import Testing

@testable import RTPAudio

@Suite("Tone generator")
struct ToneGeneratorTests {
  @Test("A tone filled in chunks equals one filled whole and has the right frequency")
  func chunksAndFrequency() {
    var whole = ToneGenerator(frequency: 440, sampleRate: 8000)
    var chunked = whole
    var a = [Int16](repeating: 0, count: 8000)
    var b = [Int16](repeating: 0, count: 8000)
    a.withUnsafeMutableBufferPointer { whole.fill($0) }
    b.withUnsafeMutableBufferPointer { buffer in
      for start in stride(from: 0, to: 8000, by: 160) {
        chunked.fill(UnsafeMutableBufferPointer(rebasing: buffer[start..<(start + 160)]))
      }
    }
    let maxDifference = zip(a, b).map { abs(Int($0) - Int($1)) }.max() ?? 0
    #expect(maxDifference <= 1)
    let upward = zip(a, a.dropFirst()).filter { $0 < 0 && $1 >= 0 }.count
    #expect((439...441).contains(upward))
    #expect(a.max()! > 16000 && a.max()! <= 16384)
  }
}
