import Foundation
import RTPCore
import SystemPackage
import Testing

@testable import RTPAudio
@testable import RTPBase

/// Damaged and hostile input: every case is a typed error after the whole frames before the
/// damage, from a file and from a pipe, with small and large read buffers.
@Suite("AudioReader on hostile input")
struct AudioHostileTests {
  static let samples: [Int16] = (0..<1000).map { Int16(truncatingIfNeeded: $0 &* 4099) }
  static let wav =
    AudioTest.wavHeader(riffSize: 36 + 2000, dataSize: 2000) + AudioTest.bytes(samples)

  /// Reads `bytes` from a file and a pipe with two buffer sizes; all four must agree.
  func read(_ bytes: [UInt8], raw: AudioFormat? = nil) throws -> AudioReadResult {
    let large = try AudioTest.readBytes(bytes, raw: raw)
    let small = try AudioTest.readBytes(bytes, raw: raw, capacity: 16)
    for other in [large.pipe, small.file, small.pipe] {
      #expect(other.samples == large.file.samples)
      #expect(other.error == large.file.error)
      #expect(other.format == large.file.format)
    }
    return large.file
  }

  @Test("Empty input")
  func empty() throws {
    #expect(try read([]).error == .emptyInput)
  }

  @Test("A data chunk longer than the file: the whole samples, then truncatedData")
  func dataLongerThanFile() throws {
    for cut in [44, 45, 46, 1001, 2043] {
      let result = try read(Array(Self.wav[0..<cut]))
      let whole = (cut - 44) / 2
      #expect(result.samples == Array(Self.samples[0..<whole]))
      #expect(
        result.error
          == .truncatedData(offset: UInt64(cut), frame: UInt64(whole), declaredEnd: 2044))
    }
  }

  @Test("Truncated at every byte of the first 64: a typed error, samples before it intact")
  func truncatedEverywhere() throws {
    let stereo =
      AudioTest.wavHeader(riffSize: 36 + 2000, channels: 2, dataSize: 2000)
      + AudioTest.bytes(Self.samples)
    for bytes in [Self.wav, stereo] {
      let frameBytes = bytes == Self.wav ? 2 : 4
      for cut in 0..<64 {
        let result = try read(Array(bytes[0..<cut]))
        switch cut {
        case 0:
          #expect(result.error == .emptyInput)
        case 1..<44:
          #expect(result.format == nil)
          guard case .truncatedHeader = result.error else {
            Issue.record("cut at \(cut): \(String(describing: result.error))")
            continue
          }
        default:
          let whole = (cut - 44) / frameBytes
          #expect(
            result.samples
              == AudioTest.mix(
                Array(Self.samples[0..<(whole * frameBytes / 2)]), channels: frameBytes / 2))
          guard case .truncatedData(let offset, let frame, _) = result.error else {
            Issue.record("cut at \(cut): \(String(describing: result.error))")
            continue
          }
          #expect(offset == UInt64(cut) && frame == UInt64(whole))
        }
      }
    }
  }

  @Test("A RIFF size smaller than its chunks")
  func riffTooSmall() throws {
    // Ends inside the fmt chunk: nothing can be read.
    var bytes = Self.wav
    bytes[4] = 20
    bytes[5] = 0
    guard case .malformedHeader(offset: 4, _) = try read(bytes).error else {
      Issue.record("RIFF size 20 accepted")
      return
    }
    // Ends inside the data: the samples inside it, then the error.
    bytes[4] = UInt8(36 + 100)
    let result = try read(bytes)
    #expect(result.samples == Array(Self.samples[0..<50]))
    guard case .malformedData(offset: 144, frame: 50, _) = result.error else {
      Issue.record("\(String(describing: result.error))")
      return
    }
  }

  @Test(
    "Absurd fmt fields: zero or 65535 channels, rate 0, a block size that lies, unknown tag",
    arguments: [
      (AudioTest.wavHeader(riffSize: 36, channels: 0, dataSize: 0), "zero channels"),
      (AudioTest.wavHeader(riffSize: 36, channels: 65535, dataSize: 0), "65535 channels"),
      (AudioTest.wavHeader(riffSize: 36, rate: 0, dataSize: 0), "sample rate 0"),
      (AudioTest.wavHeader(riffSize: 36, blockAlign: 3, dataSize: 0), "block size 3"),
      (AudioTest.wavHeader(riffSize: 36, bits: 12, tag: 0x55, dataSize: 0), "tag 0x55"),
    ])
  func absurdFormat(header: [UInt8], words: String) throws {
    let result = try read(header + [1, 2, 3, 4])
    #expect(result.samples.isEmpty)
    let error = try #require(result.error)
    #expect(error.description.contains(words))
    switch error {
    case .malformedHeader, .unsupportedEncoding: break
    default: Issue.record("\(error)")
    }
  }

  @Test("A 4 GiB chunk before the data on a pipe is skipped in bounded memory, then truncated")
  func hugeChunk() throws {
    var bytes = Array(Self.wav[0..<36])
    bytes[4...7] = [0xFF, 0xFF, 0xFF, 0xFF]
    bytes += Array("LIST".utf8) + [0xF0, 0xFF, 0xFF, 0xFF] + [UInt8](repeating: 7, count: 300_000)
    let result = try read(bytes)
    guard case .truncatedHeader(offset: UInt64(bytes.count), _) = result.error else {
      Issue.record("\(String(describing: result.error))")
      return
    }
    // And a data chunk claiming 4 GiB: the samples there are, then truncatedData.
    let data =
      AudioTest.wavHeader(riffSize: 0xFFFF_FFF0, dataSize: 0xFFFF_FFE0)
      + AudioTest.bytes(Self.samples)
    let truncated = try read(data)
    #expect(truncated.samples == Self.samples)
    #expect(
      truncated.error == .truncatedData(offset: 2044, frame: 1000, declaredEnd: 44 + 0xFFFF_FFE0))
  }

  @Test("An odd byte count in 16-bit raw: the whole samples, then partialFrame")
  func oddRaw() throws {
    let bytes = AudioTest.bytes(Self.samples) + [0x55]
    let result = try read(bytes, raw: AudioFormat(sampleRate: 8000))
    #expect(result.samples == Self.samples)
    #expect(result.error == .partialFrame(offset: 2000, frame: 1000, bytes: 1, bytesPerFrame: 2))
    // And a WAV whose data size is odd.
    var wav = Self.wav
    wav[40] = 0xD1  // 2001 bytes
    wav[4] = 0xF6  // RIFF 2038: header 36, data 2001, pad byte
    wav += [0x55, 0x00]
    let odd = try read(wav)
    #expect(odd.samples == Self.samples)
    #expect(odd.error == .partialFrame(offset: 2044, frame: 1000, bytes: 1, bytesPerFrame: 2))
  }

  @Test("Bad raw parameters are usage errors")
  func badRaw() throws {
    for format in [
      AudioFormat(sampleRate: 0), AudioFormat(sampleRate: 8000, channels: 0),
      AudioFormat(sampleRate: 8000, channels: 65535), AudioFormat(sampleRate: -5),
    ] {
      let result = try read([1, 2, 3, 4], raw: format)
      #expect(result.error?.isUsageError == true)
    }
  }

  @Test("Random bytes, and random damage to a header: typed errors, never a trap")
  func random() throws {
    var generator = SplitMix64(seed: 20_261_122)
    for length in [1, 5, 11, 12, 13, 100, 4096] {
      var bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
      if bytes.first == 0x52 { bytes[0] = 0 }
      let result = try read(bytes)
      #expect(result.error != nil)
      #expect(result.samples.isEmpty)
    }
    let wavs = [
      Self.wav,
      AudioTest.wavHeader(riffSize: 0xFFFF_FFFF, channels: 2, dataSize: 0xFFFF_FFFF)
        + AudioTest.bytes(Self.samples),
    ]
    for index in 0..<400 {
      var bytes = wavs[index % 2]
      for _ in 0..<Int.random(in: 1...4, using: &generator) {
        bytes[Int.random(in: 4..<44, using: &generator)] = UInt8.random(
          in: 0...255, using: &generator)
      }
      let result = try AudioTest.readBytes(bytes, capacity: 64)
      #expect(result.file.samples == result.pipe.samples)
      #expect(result.file.error == result.pipe.error)
      #expect(result.file.samples.count <= 1000)
    }
  }
}
