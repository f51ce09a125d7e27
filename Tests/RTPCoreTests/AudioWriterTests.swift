import Foundation
import RTPCore
import SystemPackage
import Testing

@testable import RTPAudio
@testable import RTPIO

#if canImport(Glibc)
  import Glibc
#endif

/// The writer's WAV read back by sox (and soxi) and by ``AudioReader``, written to a file and to
/// a pipe.
@Suite("AudioWriter against sox", .enabled(if: AudioTest.hasSox))
struct AudioWriterTests {
  let directory = AudioTest.directory()

  /// Interleaved test samples covering the whole 16-bit range.
  static func signal(frames: Int, channels: Int) -> [Int16] {
    (0..<(frames * channels)).map { index in
      Int16(truncatingIfNeeded: (index &* 7919) ^ (index >> 3) &* 31)
    }
  }

  /// Writes `samples` as `format` in `container` with `write(samples:)` in uneven pieces.
  static func write(
    _ samples: [Int16], format: AudioFormat, container: AudioContainer,
    to descriptor: FileDescriptor
  ) throws {
    let writer = try AudioWriter(
      fileDescriptor: descriptor, format: format, container: container, bufferCapacity: 4096)
    try samples.withUnsafeBufferPointer { all in
      var start = 0
      var piece = 1
      while start < all.count {
        let end = min(all.count, start + piece)
        try writer.write(samples: UnsafeBufferPointer(rebasing: all[start..<end]))
        start = end
        piece = piece * 3 + 1
      }
    }
    try writer.finish()
  }

  /// Writes to a regular file at `path`.
  static func writeFile(
    _ samples: [Int16], format: AudioFormat, container: AudioContainer = .wav, path: String
  ) throws {
    let descriptor = try FileDescriptor.open(
      path, .writeOnly, options: [.create, .truncate], permissions: [.ownerReadWrite])
    defer { try? descriptor.close() }
    try write(samples, format: format, container: container, to: descriptor)
  }

  /// Writes through a pipe to `cat > path`, so the writer sees a non-seekable output.
  static func writePipe(
    _ samples: [Int16], format: AudioFormat, container: AudioContainer = .wav, path: String
  ) throws {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/bin/sh")
    process.arguments = ["-c", "cat > '\(path)'"]
    let input = Pipe()
    process.standardInput = input
    try process.run()
    let descriptor = FileDescriptor(rawValue: input.fileHandleForWriting.fileDescriptor)
    try write(samples, format: format, container: container, to: descriptor)
    try input.fileHandleForWriting.close()
    process.waitUntilExit()
  }

  func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

  @Test("16-bit WAV to a file and to a pipe: sox reads the same samples; soxi the file's sizes")
  func pcm16() throws {
    for channels in [1, 2] {
      let samples = Self.signal(frames: 12345, channels: channels)
      let format = AudioFormat(sampleRate: 16000, channels: channels)
      try Self.writeFile(samples, format: format, path: path("f\(channels).wav"))
      try Self.writePipe(samples, format: format, path: path("p\(channels).wav"))
      for name in ["f\(channels).wav", "p\(channels).wav"] {
        let decoded = AudioTest.shell("sox '\(path(name))' -t s16 -").stdout
        #expect(decoded == AudioTest.bytes(samples), "\(name)")
        let back = try AudioTest.readFile(path(name))
        #expect(back.error == nil)
        #expect(back.samples == AudioTest.mix(samples, channels: channels))
      }
      let soxi = ["-s", "-r", "-c"].map { option in
        String(
          decoding: AudioTest.shell("soxi \(option) '\(path("f\(channels).wav"))'").stdout,
          as: UTF8.self)
      }
      #expect(soxi == ["12345\n", "16000\n", "\(channels)\n"])
      let file = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path("f\(channels).wav"))))
      #expect(file.count == 44 + samples.count * 2)
      let pipe = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path("p\(channels).wav"))))
      #expect(pipe[4..<8] == [0xFF, 0xFF, 0xFF, 0xFF])
      #expect(pipe[40..<44] == [0xFF, 0xFF, 0xFF, 0xFF])
      #expect(file[44...] == pipe[44...])
    }
  }

  @Test("µ-law and A-law WAV, odd sample count: sox decodes G.191's encoding of each sample")
  func companded() throws {
    let samples = Self.signal(frames: 4001, channels: 1)
    for (encoding, name) in [(AudioEncoding.ulaw, "u-law"), (.alaw, "A-law")] {
      let format = AudioFormat(sampleRate: 8000, encoding: encoding)
      let expected = samples.map {
        encoding == .ulaw
          ? G711.ulawDecode(G711.ulawEncode($0)) : G711.alawDecode(G711.alawEncode($0))
      }
      try Self.writeFile(samples, format: format, path: path("\(encoding).wav"))
      try Self.writePipe(samples, format: format, path: path("p\(encoding).wav"))
      for file in ["\(encoding).wav", "p\(encoding).wav"] {
        #expect(
          AudioTest.samples(AudioTest.shell("sox '\(path(file))' -t s16 -").stdout) == expected)
        let back = try AudioTest.readFile(path(file))
        #expect(back.format == format)
        #expect(back.samples == expected)
      }
      let file = path("\(encoding).wav")
      #expect(AudioTest.shell("soxi -s '\(file)'").stdout == Array("4001\n".utf8))
      #expect(AudioTest.shell("soxi -e '\(file)'").stdout == Array("\(name)\n".utf8))
      // Header 58 bytes, 4001 octets, one pad byte.
      let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path("\(encoding).wav"))))
      #expect(bytes.count == 58 + 4001 + 1)
      #expect(bytes[16..<20] == [18, 0, 0, 0])
      #expect(bytes[38..<42] == Array("fact".utf8)[...])
    }
  }

  @Test("writeEncoded stores octets as given")
  func encoded() throws {
    let octets: [UInt8] = (0..<3000).map { UInt8(truncatingIfNeeded: $0 &* 13) }
    let descriptor = try FileDescriptor.open(
      path("e.wav"), .writeOnly, options: [.create, .truncate], permissions: [.ownerReadWrite])
    let writer = try AudioWriter(
      fileDescriptor: descriptor, format: AudioFormat(sampleRate: 8000, encoding: .alaw))
    try octets.withUnsafeBytes { try writer.writeEncoded($0) }
    try writer.finish()
    try descriptor.close()
    #expect(
      AudioTest.samples(AudioTest.shell("sox '\(path("e.wav"))' -t s16 -").stdout)
        == octets.map(G711.alawDecode))
  }

  @Test("Raw output is the samples alone")
  func raw() throws {
    let samples = Self.signal(frames: 1000, channels: 2)
    try Self.writePipe(
      samples, format: AudioFormat(sampleRate: 8000, channels: 2), container: .raw,
      path: path("r.raw"))
    #expect(
      try [UInt8](Data(contentsOf: URL(fileURLWithPath: path("r.raw")))) == AudioTest.bytes(samples)
    )
    try Self.writeFile(
      samples, format: AudioFormat(sampleRate: 8000, channels: 2, encoding: .ulaw),
      container: .raw, path: path("r.ul"))
    #expect(
      try [UInt8](Data(contentsOf: URL(fileURLWithPath: path("r.ul"))))
        == samples.map(G711.ulawEncode))
  }

  @Test("A file opened for appending gets a streaming header, which readers still read")
  func append() throws {
    let samples = Self.signal(frames: 500, channels: 1)
    let descriptor = try FileDescriptor.open(
      path("a.wav"), .writeOnly, options: [.create, .truncate, .append],
      permissions: [.ownerReadWrite])
    try Self.write(samples, format: AudioFormat(sampleRate: 8000), container: .wav, to: descriptor)
    try descriptor.close()
    #expect(try AudioTest.readFile(path("a.wav")).samples == samples)
  }

  @Test("Bad formats are usage errors")
  func badFormats() throws {
    let descriptor = try FileDescriptor.open("/dev/null", .writeOnly)
    defer { try? descriptor.close() }
    for format in [
      AudioFormat(sampleRate: 0), AudioFormat(sampleRate: 8000, channels: 0),
      AudioFormat(sampleRate: 8000, channels: 65535),
    ] {
      #expect {
        _ = try AudioWriter(fileDescriptor: descriptor, format: format)
      } throws: { error in
        (error as? AudioError)?.isUsageError == true
      }
    }
  }

  @Test("A closed pipe downstream is IOError.brokenPipe, unchanged")
  func brokenPipe() throws {
    _ = Glibc.signal(SIGPIPE, SIG_IGN)
    var ends: [Int32] = [0, 0]
    #expect(pipe(&ends) == 0)
    close(ends[0])
    let descriptor = FileDescriptor(rawValue: ends[1])
    defer { try? descriptor.close() }
    let writer = try AudioWriter(fileDescriptor: descriptor, format: AudioFormat(sampleRate: 8000))
    let samples = [Int16](repeating: 1, count: 1 << 20)
    #expect(throws: IOError.brokenPipe) {
      try samples.withUnsafeBufferPointer { try writer.write(samples: $0) }
      try writer.finish()
    }
  }
}
