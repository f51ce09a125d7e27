import Foundation
import RTPCore
import SystemPackage
import Testing

@testable import RTPIO

/// A regular file is mapped a window at a time: it must hand out the same bytes at the same
/// offsets as a read, from wherever the descriptor stood, across window edges, skips and growth.
@Suite("InputSource over a mapped file")
struct InputSourceFileTests {
  static let input: [UInt8] = (0..<20_000).map { UInt8(truncatingIfNeeded: $0 &* 13 &+ 5) }

  /// Writes `bytes` to a new temporary file and runs `body` on it opened for reading.
  static func withFile<T>(_ bytes: [UInt8], _ body: (FileDescriptor, URL) throws -> T) throws -> T {
    let url = FileManager.default.temporaryDirectory
      .appendingPathComponent("rtpcore-map-\(UUID().uuidString)")
    try Data(bytes).write(to: url)
    defer { try? FileManager.default.removeItem(at: url) }
    let descriptor = try FileDescriptor.open(url.path, .readOnly)
    defer { try? descriptor.close() }
    return try body(descriptor, url)
  }

  /// Reads `source` to its end in steps of peek and consume (and skip every third step).
  static func walk(_ source: InputSource, from base: Int) throws -> [UInt8] {
    var seen: [UInt8] = []
    var step = 1
    while !(try source.isExhausted()) {
      let offset = source.offset
      #expect(offset == UInt64(seen.count))
      let window = try source.peek(step * 37)
      #expect(window.count <= step * 37)
      if step % 3 == 0 {
        let skipped = try source.skip(UInt64(step * 37))
        seen += input[(base + Int(offset))..<(base + Int(offset + skipped))]
      } else {
        #expect(Array(window) == Array(input[(base + Int(offset))...].prefix(window.count)))
        seen += window
        source.consume(window.count)
      }
      step = step % 211 + 1
    }
    return seen
  }

  @Test(
    "Windows of every size hand out every byte in order, from the descriptor's position",
    arguments: [1, 1000, 4096, 5000, 1 << 20], [0, 1, 4095, 4097])
  func sameBytes(capacity: Int, position: Int) throws {
    try Self.withFile(Self.input) { descriptor, _ in
      _ = try descriptor.seek(offset: Int64(position), from: .start)
      let seen = try Self.walk(
        InputSource(fileDescriptor: descriptor, capacity: capacity), from: position)
      #expect(seen == Array(Self.input[position...]))
    }
  }

  @Test("A window larger than the map size is mapped whole when asked for")
  func largePeek() throws {
    try Self.withFile(Self.input) { descriptor, _ in
      let source = InputSource(fileDescriptor: descriptor, capacity: 1024)
      _ = try source.peek(10)
      source.consume(3)
      let window = try source.peek(15_000)
      #expect(Array(window) == Array(Self.input[3..<15_003]))
      #expect(try source.peek(30_000).count == 20_000 - 3)
    }
  }

  @Test("A skip past the end stops at the end and says how far it got")
  func skipPastEnd() throws {
    try Self.withFile(Self.input) { descriptor, _ in
      let source = InputSource(fileDescriptor: descriptor, capacity: 1024)
      _ = try source.peek(100)
      source.consume(100)
      #expect(try source.skip(50_000) == 19_900)
      #expect(source.offset == 20_000)
      #expect(try source.isExhausted())
    }
  }

  @Test("A file that grows while it is read is read to its new end")
  func growing() throws {
    try Self.withFile(Array(Self.input[0..<10_000])) { descriptor, url in
      let source = InputSource(fileDescriptor: descriptor, capacity: 1024)
      let first = try source.peek(100)
      #expect(Array(first) == Array(Self.input[0..<100]))
      source.consume(100)
      let handle = try FileHandle(forWritingTo: url)
      try handle.seekToEnd()
      try handle.write(contentsOf: Data(Self.input[10_000...]))
      try handle.close()
      var seen = Array(Self.input[0..<100])
      while !(try source.isExhausted()) {
        let window = try source.peekAvailable()
        seen += window
        source.consume(window.count)
      }
      #expect(seen == Self.input)
    }
  }

  @Test("The descriptor's position ends past what was handed out, as reads leave it")
  func positionAfterReading() throws {
    try Self.withFile(Self.input) { descriptor, _ in
      let source = InputSource(fileDescriptor: descriptor, capacity: 1024)
      _ = try source.peek(10)
      let position = try descriptor.seek(offset: 0, from: .current)
      #expect(position >= 10 && position <= 20_000)
    }
  }
}
