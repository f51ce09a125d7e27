import Foundation
import RTPCore
import SystemPackage

@testable import RTPAudio

/// What reading a whole input gave: the samples delivered, then the error that stopped it.
struct AudioReadResult {
  var format: AudioFormat?
  var samples: [Int16] = []
  var error: AudioError?
}

enum AudioTest {
  /// A fresh scratch directory.
  static func directory() -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent(
      "rtpcore-audio-\(UUID().uuidString)")
    try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
  }

  /// Runs `command` with `/bin/sh -c`, returning its status and standard output.
  @discardableResult
  static func shell(_ command: String) -> (status: Int32, stdout: [UInt8]) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/bin/sh")
    process.arguments = ["-c", command]
    let output = Pipe()
    process.standardOutput = output
    process.standardError = FileHandle.nullDevice
    process.standardInput = FileHandle.nullDevice
    guard (try? process.run()) != nil else { return (-1, []) }
    let data = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, [UInt8](data))
  }

  /// Whether sox and soxi are installed (tests using them as the oracle skip otherwise).
  static let hasSox = shell("command -v sox && command -v soxi").status == 0

  /// Reads everything from `descriptor`, as `readSamples` with `selection` hands it out.
  static func readAll(
    _ descriptor: FileDescriptor, raw: AudioFormat? = nil, fallback: AudioFormat? = nil,
    channels selection: ChannelSelection = .mix,
    capacity: Int = 1 << 20, chunk: Int = 1000
  ) -> AudioReadResult {
    var result = AudioReadResult()
    do throws(AudioError) {
      let reader = try AudioReader(
        fileDescriptor: descriptor, raw: raw, fallback: fallback, bufferCapacity: capacity)
      result.format = reader.format
      var buffer = [Int16](repeating: 0, count: chunk)
      while true {
        let count = try buffer.withUnsafeMutableBufferPointer { pointer throws(AudioError) in
          try reader.readSamples(into: pointer, channels: selection)
        }
        if count == 0 { break }
        result.samples += buffer[0..<count]
      }
    } catch {
      result.error = error
    }
    return result
  }

  /// Reads the file at `path`.
  static func readFile(
    _ path: String, raw: AudioFormat? = nil, fallback: AudioFormat? = nil,
    channels: ChannelSelection = .mix, capacity: Int = 1 << 20
  ) throws -> AudioReadResult {
    let descriptor = try FileDescriptor.open(path, .readOnly)
    defer { try? descriptor.close() }
    return readAll(
      descriptor, raw: raw, fallback: fallback, channels: channels, capacity: capacity)
  }

  /// Reads what `command` writes to its standard output, through a pipe.
  static func readPipe(
    _ command: String, raw: AudioFormat? = nil, fallback: AudioFormat? = nil,
    channels: ChannelSelection = .mix, capacity: Int = 1 << 20
  ) throws -> AudioReadResult {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/bin/sh")
    process.arguments = ["-c", command]
    let output = Pipe()
    process.standardOutput = output
    process.standardError = FileHandle.nullDevice
    process.standardInput = FileHandle.nullDevice
    try process.run()
    let descriptor = FileDescriptor(rawValue: output.fileHandleForReading.fileDescriptor)
    let result = readAll(
      descriptor, raw: raw, fallback: fallback, channels: channels, capacity: capacity)
    // Drain what the reader left so the writer can exit.
    _ = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return result
  }

  /// Reads `bytes` from a temporary file, then through a pipe, and checks both agree.
  static func readBytes(
    _ bytes: [UInt8], raw: AudioFormat? = nil, fallback: AudioFormat? = nil,
    channels: ChannelSelection = .mix, capacity: Int = 1 << 20
  ) throws -> (file: AudioReadResult, pipe: AudioReadResult) {
    let directory = directory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let path = directory.appendingPathComponent("input").path
    try Data(bytes).write(to: URL(fileURLWithPath: path))
    let file = try readFile(
      path, raw: raw, fallback: fallback, channels: channels, capacity: capacity)
    let pipe = try readPipe(
      "cat '\(path)'", raw: raw, fallback: fallback, channels: channels, capacity: capacity)
    return (file, pipe)
  }

  /// 16-bit little-endian bytes as samples.
  static func samples(_ bytes: [UInt8]) -> [Int16] {
    stride(from: 0, to: bytes.count - 1, by: 2).map {
      Int16(bitPattern: UInt16(bytes[$0]) | UInt16(bytes[$0 + 1]) << 8)
    }
  }

  /// Samples as 16-bit little-endian bytes.
  static func bytes(_ samples: [Int16]) -> [UInt8] {
    samples.flatMap { [UInt8(truncatingIfNeeded: $0), UInt8(truncatingIfNeeded: $0 >> 8)] }
  }

  /// The mean of each frame of `channels` interleaved samples, rounded half away from zero.
  static func mix(_ samples: [Int16], channels: Int) -> [Int16] {
    stride(from: 0, to: samples.count - channels + 1, by: channels).map { start in
      let sum = samples[start..<(start + channels)].reduce(Int32(0)) { $0 + Int32($1) }
      let count = Int32(channels)
      return Int16(sum >= 0 ? (sum + count / 2) / count : (sum - count / 2) / count)
    }
  }

  /// One channel (0-based) of `channels` interleaved samples.
  static func pick(_ samples: [Int16], channel: Int, of channels: Int) -> [Int16] {
    stride(from: channel, to: samples.count, by: channels).map { samples[$0] }
  }

  /// A WAV header as sox writes for 16-bit PCM, with each field given.
  static func wavHeader(
    riffSize: UInt32, channels: UInt16 = 1, rate: UInt32 = 8000, blockAlign: UInt16? = nil,
    bits: UInt16 = 16, tag: UInt16 = 1, dataSize: UInt32
  ) -> [UInt8] {
    var bytes: [UInt8] = []
    func u32(_ value: UInt32) { withUnsafeBytes(of: value.littleEndian) { bytes += $0 } }
    func u16(_ value: UInt16) { withUnsafeBytes(of: value.littleEndian) { bytes += $0 } }
    bytes += Array("RIFF".utf8)
    u32(riffSize)
    bytes += Array("WAVEfmt ".utf8)
    u32(16)
    u16(tag)
    u16(channels)
    u32(rate)
    let align = blockAlign ?? UInt16(truncatingIfNeeded: Int(channels) * Int(bits / 8))
    u32(rate &* UInt32(align))
    u16(align)
    u16(bits)
    bytes += Array("data".utf8)
    u32(dataSize)
    return bytes
  }
}
