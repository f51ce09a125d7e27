import RTPCore
import Testing

@testable import RTPIO

/// The source over memory that the fuzz targets read through: held exactly, or arriving in chunks
/// through a small buffer, it must hand out the same bytes at the same offsets.
@Suite("InputSource over memory")
struct InputSourceMemoryTests {
  static let input: [UInt8] = (0..<1000).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ 3) }

  /// Reads `input` through `source` in steps of peek, consume and skip, recording what it saw.
  static func walk(_ source: InputSource) throws -> [UInt8] {
    var seen: [UInt8] = []
    var step = 1
    while !(try source.isExhausted()) {
      let offset = source.offset
      let window = try source.peek(step)
      #expect(window.count <= step)
      if step % 3 == 0 {
        let skipped = try source.skip(UInt64(step))
        seen += input[Int(offset)..<Int(offset + skipped)]
      } else {
        seen += window
        source.consume(window.count)
      }
      #expect(source.offset == UInt64(seen.count))
      step = step % 97 + 1
    }
    return seen
  }

  @Test("Exact and chunked sources yield every byte in order", arguments: [1, 2, 5, 64, 999, 4096])
  func sameBytes(chunk: Int) throws {
    let (whole, chunked) = try Self.input.withUnsafeBytes { bytes in
      (
        try Self.walk(InputSource(bytes: bytes)),
        try Self.walk(InputSource(bytes: bytes, chunk: chunk, capacity: 3))
      )
    }
    #expect(whole == Self.input)
    #expect(chunked == Self.input)
  }

  @Test("An empty source is exhausted at once")
  func empty() throws {
    let source = InputSource(bytes: UnsafeRawBufferPointer(start: nil, count: 0))
    #expect(try source.isExhausted())
    #expect(try source.peek(10).isEmpty)
  }
}
