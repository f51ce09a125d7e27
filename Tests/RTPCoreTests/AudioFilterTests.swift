import Foundation
import RTPCore
import SystemPackage
import Testing

@testable import RTPAudio
@testable import RTPIO

/// AudioTranscoder and AudioResamplingFilter between files: every sample converted, and every
/// whole sample before damage written before the error.
@Suite("Audio filters")
struct AudioFilterTests {
  /// Runs `body` with a reader over `input` (a file) and a writer of `format` in `container`
  /// into a file, and returns the bytes written and what `body` threw.
  static func filter(
    _ input: [UInt8], raw: AudioFormat? = nil, fallback: AudioFormat? = nil,
    to format: AudioFormat, container: AudioContainer,
    _ body: (AudioReader, AudioWriter) throws(AudioFilterError) -> Void
  ) throws -> (output: [UInt8], error: AudioFilterError?) {
    let directory = AudioTest.directory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let inPath = directory.appendingPathComponent("in").path
    let outPath = directory.appendingPathComponent("out").path
    try Data(input).write(to: URL(fileURLWithPath: inPath))
    let inDescriptor = try FileDescriptor.open(inPath, .readOnly)
    defer { try? inDescriptor.close() }
    let outDescriptor = try FileDescriptor.open(
      outPath, .writeOnly, options: [.create, .truncate], permissions: [.ownerReadWrite])
    let reader = try AudioReader(fileDescriptor: inDescriptor, raw: raw, fallback: fallback)
    let writer = try AudioWriter(
      fileDescriptor: outDescriptor, format: format, container: container)
    var failure: AudioFilterError? = nil
    do {
      try body(reader, writer)
    } catch {
      failure = error
    }
    try outDescriptor.close()
    return ([UInt8](try Data(contentsOf: URL(fileURLWithPath: outPath))), failure)
  }

  /// Every 16-bit value, as a WAV.
  static let everySample: [Int16] = (0..<65536).map { Int16(truncatingIfNeeded: $0) }
  static let everySampleWAV =
    AudioTest.wavHeader(riffSize: 36 + 131_072, dataSize: 131_072) + AudioTest.bytes(everySample)

  @Test("PCM16 WAV → raw G.711 → 16-bit: G.191's round trip of every sample, both laws")
  func roundTrip() throws {
    for law in G711Law.allCases {
      let encoding: AudioEncoding = law == .ulaw ? .ulaw : .alaw
      let encode = { (sample: Int16) -> UInt8 in
        law == .ulaw ? G711.ulawEncode(sample) : G711.alawEncode(sample)
      }
      let decode = { (code: UInt8) -> Int16 in
        law == .ulaw ? G711.ulawDecode(code) : G711.alawDecode(code)
      }
      let encoded = try Self.filter(
        Self.everySampleWAV, to: AudioFormat(sampleRate: 8000, encoding: encoding),
        container: .raw
      ) { (reader, writer) throws(AudioFilterError) in
        #expect(try AudioTranscoder(chunkFrames: 1000).run(from: reader, to: writer) == 65536)
      }
      #expect(encoded.error == nil)
      #expect(encoded.output == Self.everySample.map(encode))
      let decoded = try Self.filter(
        encoded.output, fallback: AudioFormat(sampleRate: 8000, encoding: encoding),
        to: AudioFormat(sampleRate: 8000), container: .raw
      ) { (reader, writer) throws(AudioFilterError) in
        try AudioTranscoder().run(from: reader, to: writer)
      }
      #expect(decoded.error == nil)
      #expect(AudioTest.samples(decoded.output) == Self.everySample.map { decode(encode($0)) })
    }
  }

  @Test("a truncated WAV: the whole samples before the end are encoded, then the error")
  func truncated() throws {
    let cut = Array(Self.everySampleWAV.prefix(44 + 2001))
    let result = try Self.filter(
      cut, to: AudioFormat(sampleRate: 8000, encoding: .ulaw), container: .raw
    ) { (reader, writer) throws(AudioFilterError) in
      try AudioTranscoder().run(from: reader, to: writer)
    }
    #expect(result.output == Self.everySample.prefix(1000).map(G711.ulawEncode))
    guard case .input(.truncatedData(_, let frame, _)) = result.error else {
      Issue.record("expected truncated data, got \(String(describing: result.error))")
      return
    }
    #expect(frame == 1000)
  }

  @Test("linear resampling equals LinearResampler on the whole signal; damage after it")
  func resampleLinear() throws {
    let signal: [Int16] = (0..<44100).map { Int16(10000 * sin(Double($0) * 0.1427)) }
    let expected = try LinearResampler.resample(signal, from: 44100, to: 8000)
    let bytes = AudioTest.bytes(signal)
    for damaged in [false, true] {
      let result = try Self.filter(
        damaged ? bytes + [0x12] : bytes, raw: AudioFormat(sampleRate: 44100),
        to: AudioFormat(sampleRate: 8000), container: .raw
      ) { (reader, writer) throws(AudioFilterError) in
        let resampler = try! LinearResampler(inputRate: 44100, outputRate: 8000)
        try AudioResamplingFilter(resampler: resampler, chunkFrames: 777)
          .run(from: reader, to: writer)
      }
      #expect(AudioTest.samples(result.output) == expected)
      if damaged {
        #expect(
          result.error
            == .input(.partialFrame(offset: 88200, frame: 44100, bytes: 1, bytesPerFrame: 2)))
      } else {
        #expect(result.error == nil)
      }
    }
  }

  @Test("a failed write is an output error")
  func outputError() throws {
    let input = try FileDescriptor.open("/dev/zero", .readOnly)
    defer { try? input.close() }
    let output = try FileDescriptor.open("/dev/full", .writeOnly)
    defer { try? output.close() }
    let reader = try AudioReader(fileDescriptor: input, raw: AudioFormat(sampleRate: 8000))
    let writer = try AudioWriter(
      fileDescriptor: output, format: AudioFormat(sampleRate: 8000, encoding: .ulaw),
      container: .raw)
    #expect(throws: AudioFilterError.output(.writeFailed(offset: 0, errno: .noSpace))) {
      try AudioTranscoder().run(from: reader, to: writer)
    }
  }

  @Test("AudioWriter.write(decoding:) equals G711.decode then write(samples:), both laws")
  func writeDecoding() throws {
    // More codes than one inner step (65,536) of the writer, in every order.
    let codes: [UInt8] = (0..<200_000).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ $0 >> 9) }
    for law in G711Law.allCases {
      let result = try Self.filter(
        [], raw: AudioFormat(sampleRate: 8000), to: AudioFormat(sampleRate: 8000),
        container: .raw
      ) { (_, writer) throws(AudioFilterError) in
        do {
          try codes.withUnsafeBytes { bytes in
            try writer.write(decoding: UnsafeRawBufferPointer(rebasing: bytes[0..<70_000]), law)
            try writer.write(decoding: UnsafeRawBufferPointer(rebasing: bytes[70_000...]), law)
          }
          try writer.finish()
        } catch let error as IOError {
          throw .output(error)
        } catch {
          Issue.record("unexpected \(error)")
        }
      }
      #expect(result.error == nil)
      let expected = codes.map { law == .ulaw ? G711.ulawDecode($0) : G711.alawDecode($0) }
      #expect(AudioTest.samples(result.output) == expected, "\(law)")
    }
  }

  @Test(
    "A resampler that throws its own error: thrown to the caller, what it emitted before kept",
    arguments: [false, true])
  func resamplerThrowsItsOwnError(inFinish: Bool) throws {
    let input = AudioTest.bytes([Int16](repeating: 100, count: 3000))
    let resampler = RefusingResampler(refusesAfter: inFinish ? nil : 2)
    let result = try Self.filter(
      input, raw: AudioFormat(sampleRate: 8000), to: AudioFormat(sampleRate: 8000),
      container: .raw
    ) { (reader, writer) throws(AudioFilterError) in
      try AudioResamplingFilter(resampler: resampler, chunkFrames: 1000)
        .run(from: reader, to: writer)
    }
    let error = try #require(result.error)
    #expect(error == .resamplerThrew(RefusingResampler.Refusal()))
    #expect(error != .resamplerThrew(IOError.brokenPipe))
    #expect("\(error)" == "the resampler refuses")
    // The writer is not finished: what reached the file is at most what was emitted.
    let written = AudioTest.samples(result.output)
    #expect(written.count <= (inFinish ? 3000 : 2000))
    #expect(written.allSatisfy { $0 == 100 })
  }
}

/// A pass-through resampler that throws an error of its own after `refusesAfter` chunks, or in
/// `finish` when `nil`: an embedder's resampler, whose errors RTPAudio does not know.
private final class RefusingResampler: Resampler {
  struct Refusal: Error, CustomStringConvertible {
    var description: String { "the resampler refuses" }
  }
  let inputRate = 8000
  let outputRate = 8000
  let refusesAfter: Int?
  private var chunks = 0

  init(refusesAfter: Int?) { self.refusesAfter = refusesAfter }

  func process(
    _ input: UnsafeBufferPointer<Int16>, _ emit: (UnsafeBufferPointer<Int16>) throws -> Void
  ) throws {
    if let refusesAfter, chunks == refusesAfter { throw Refusal() }
    chunks += 1
    try emit(input)
  }

  func finish(_ emit: (UnsafeBufferPointer<Int16>) throws -> Void) throws {
    if refusesAfter == nil { throw Refusal() }
  }
}
