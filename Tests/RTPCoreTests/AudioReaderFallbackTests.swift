import Foundation
import RTPCore
import SystemPackage
import Testing

@testable import RTPAudio
@testable import RTPIO

/// `AudioReader(fileDescriptor:fallback:)`: input that is not an audio file is read as raw
/// samples from its first byte, from a file and from a pipe alike.
@Suite("AudioReader with a raw fallback")
struct AudioReaderFallbackTests {
  static let ulaw = AudioFormat(sampleRate: 8000, encoding: .ulaw)

  /// Every µ-law code, starting with an MPEG frame sync (0xFF 0xFB) as µ-law silence and loud
  /// samples can, which libsndfile would take for MP3.
  static let octets: [UInt8] = [0xFF, 0xFB, 0x90, 0x00] + (0..<4096).map { UInt8($0 % 256) }

  @Test("raw µ-law octets are decoded from the first byte, through small and large buffers")
  func rawOctets() throws {
    let expected = Self.octets.map(G711.ulawDecode)
    for capacity in [4096, 1 << 20] {
      let result = try AudioTest.readBytes(Self.octets, fallback: Self.ulaw, capacity: capacity)
      for read in [result.file, result.pipe] {
        #expect(read.error == nil)
        #expect(read.format == Self.ulaw)
        #expect(read.samples == expected)
      }
    }
  }

  @Test("input shorter than any header is raw; empty input is an error, as without a fallback")
  func shortInput() throws {
    let short = try AudioTest.readBytes([0x01, 0x02, 0x03, 0x04, 0x05], fallback: Self.ulaw)
    #expect(short.pipe.error == nil && short.file.error == nil)
    #expect(short.pipe.samples == [0x01, 0x02, 0x03, 0x04, 0x05].map(G711.ulawDecode))
    #expect(short.file.samples == short.pipe.samples)
    let empty = try AudioTest.readBytes([], fallback: Self.ulaw)
    #expect(empty.pipe.error == .emptyInput && empty.file.error == .emptyInput)
    #expect(try AudioTest.readBytes([]).pipe.error == .emptyInput)
    // The start of an audio file's magic, cut short, is a truncated header, not raw audio.
    let cut = try AudioTest.readBytes(Array("RIFF".utf8), fallback: Self.ulaw)
    if case .truncatedHeader = cut.pipe.error {
    } else {
      Issue.record("\(String(describing: cut.pipe.error))")
    }
  }

  @Test(
    "a capture or compressed data where raw G.711 is expected is refused as what it is",
    arguments: [
      ([0xD4, 0xC3, 0xB2, 0xA1, 2, 0, 4, 0], InputContent.pcap),
      ([0x0A, 0x0D, 0x0D, 0x0A, 0x1C, 0, 0, 0], .pcapng),
      (Array("#!rtpplay1.0 ".utf8), .rtpdump),
      ([0x1F, 0x8B, 0x08, 0x00, 0, 0, 0, 0], .gzip),
    ] as [([UInt8], InputContent)])
  func notAudio(bytes: [UInt8], content: InputContent) throws {
    let read = try AudioTest.readBytes(
      bytes + [UInt8](repeating: 0, count: 16), fallback: Self.ulaw)
    #expect(read.pipe.error == .notAudio(content))
    #expect(read.file.error == .notAudio(content))
  }

  @Test("a WAV is still read as a WAV, whatever the fallback says")
  func wavStillSniffed() throws {
    let samples: [Int16] = (0..<1000).map { Int16(truncatingIfNeeded: $0 * 97) }
    let bytes =
      AudioTest.wavHeader(riffSize: 36 + 2000, rate: 16000, dataSize: 2000)
      + AudioTest.bytes(samples)
    let result = try AudioTest.readBytes(bytes, fallback: Self.ulaw)
    for read in [result.file, result.pipe] {
      #expect(read.error == nil)
      #expect(read.format == AudioFormat(sampleRate: 16000))
      #expect(read.samples == samples)
    }
  }

  @Test("an AU file still goes to libsndfile", .enabled(if: AudioTest.hasSox))
  func auStillSniffed() throws {
    let directory = AudioTest.directory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let path = directory.appendingPathComponent("a.au").path
    #expect(
      AudioTest.shell("sox -n -r 8000 -c 1 -e a-law '\(path)' synth 0.1 sine 440").status == 0)
    let expected = AudioTest.samples(AudioTest.shell("sox -D '\(path)' -t s16 -").stdout)
    let read = try AudioTest.readFile(path, fallback: Self.ulaw)
    #expect(read.error == nil)
    #expect(read.format?.encoding == .alaw)
    #expect(read.samples == expected)
    let piped = try AudioTest.readPipe("cat '\(path)'", fallback: Self.ulaw)
    #expect(piped.samples == expected)
  }

  @Test("an impossible fallback is a usage error; damage in raw input is reported after it")
  func errors() throws {
    let bad = try AudioTest.readBytes(
      Self.octets, fallback: AudioFormat(sampleRate: 0, encoding: .ulaw))
    #expect(bad.pipe.error?.isUsageError == true)
    // Two channels of µ-law, one octet short of a whole frame at the end.
    let stereo = AudioFormat(sampleRate: 8000, channels: 2, encoding: .ulaw)
    let odd = Array(Self.octets.prefix(101))
    let result = try AudioTest.readBytes(odd, fallback: stereo, channels: .channel(1))
    for read in [result.file, result.pipe] {
      #expect(read.samples == stride(from: 0, to: 100, by: 2).map { G711.ulawDecode(odd[$0]) })
      #expect(
        read.error == .partialFrame(offset: 100, frame: 50, bytes: 1, bytesPerFrame: 2))
    }
  }
}
