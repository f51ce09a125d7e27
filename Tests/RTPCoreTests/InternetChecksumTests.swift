import RTPCore
import Testing

@testable import RTPCaptures

@Suite("Internet checksum (RFC 1071)")
struct InternetChecksumTests {
  /// A plain reference: sum big-endian 16-bit words in 32 bits, fold, complement.
  private static func reference(_ bytes: [UInt8]) -> UInt16 {
    var sum: UInt32 = 0
    var index = 0
    while index < bytes.count {
      let high = UInt32(bytes[index]) << 8
      let low = index + 1 < bytes.count ? UInt32(bytes[index + 1]) : 0
      sum += high | low
      sum = (sum & 0xFFFF) + (sum >> 16)
      index += 2
    }
    return ~UInt16(sum)
  }

  private static func checksum(_ bytes: [UInt8]) -> UInt16 {
    var sum = InternetChecksum()
    bytes.withUnsafeBytes { sum.add($0) }
    return sum.value
  }

  @Test(
    "known vectors",
    arguments: [
      // RFC 1071 §3: the words 0001 f203 f4f5 f6f7 sum to ddf2.
      ([0x00, 0x01, 0xF2, 0x03, 0xF4, 0xF5, 0xF6, 0xF7], ~UInt16(0xDDF2)),
      // The IPv4 header of RFC 1071's companion examples (Wikipedia's worked example).
      (
        [
          0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11, 0x00, 0x00, 0xC0, 0xA8,
          0x00, 0x01, 0xC0, 0xA8, 0x00, 0xC7,
        ], 0xB861
      ),
      ([], 0xFFFF),
      ([0x01], 0xFEFF),
      ([0xFF, 0xFF], 0x0000),
      ([0x12, 0x34, 0x56], ~UInt16(0x1234 + 0x5600)),
    ] as [([UInt8], UInt16)])
  func knownVectors(bytes: [UInt8], expected: UInt16) {
    #expect(Self.checksum(bytes) == expected)
  }

  @Test("matches a word-by-word reference at every length and alignment", arguments: 0..<80)
  func matchesReference(length: Int) {
    for start in 0..<3 {
      var state: UInt32 = 0x9E37_79B9 &* UInt32(length + 1) &+ UInt32(start)
      let all = (0..<(length + start)).map { _ -> UInt8 in
        state = state &* 1_664_525 &+ 1_013_904_223
        return UInt8(truncatingIfNeeded: state >> 24)
      }
      let bytes = Array(all[start...])
      #expect(Self.checksum(bytes) == Self.reference(bytes))
    }
  }

  @Test("all-ones data does not lose carries", arguments: [2, 8, 16, 1500, 65_536])
  func carries(length: Int) {
    let bytes = [UInt8](repeating: 0xFF, count: length)
    #expect(Self.checksum(bytes) == Self.reference(bytes))
  }

  @Test("data followed by its checksum sums to zero")
  func verifies() {
    var bytes: [UInt8] = [0x45, 0x00, 0x00, 0x1C, 0x12, 0x34, 0x40, 0x00, 0x40, 0x11]
    let value = Self.checksum(bytes)
    bytes += [UInt8(value >> 8), UInt8(value & 0xFF)]
    #expect(Self.checksum(bytes) == 0)
  }

  @Test("words, double words and even pieces add up like the whole")
  func pieces() {
    let bytes: [UInt8] = (0..<37).map { UInt8($0 &* 7 &+ 3) }
    var sum = InternetChecksum()
    sum.add(word: UInt16(bytes[0]) << 8 | UInt16(bytes[1]))
    sum.add(
      doubleWord: UInt32(bytes[2]) << 24 | UInt32(bytes[3]) << 16 | UInt32(bytes[4]) << 8
        | UInt32(bytes[5]))
    bytes.withUnsafeBytes { raw in
      sum.add(UnsafeRawBufferPointer(rebasing: raw[6..<20]))
      sum.add(UnsafeRawBufferPointer(rebasing: raw[20...]))
    }
    #expect(sum.value == Self.reference(bytes))
  }
}
