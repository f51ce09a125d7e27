import RTPBase

/// The common header every RTCP packet starts with (RFC 3550 section 6.4.1), and helpers the
/// packet types share.
enum RTCPWire {
  static let headerLength = 4

  /// Writes a header for a packet of `length` bytes (a multiple of 4, header included).
  static func writeHeader(
    into buffer: UnsafeMutableRawBufferPointer, at offset: Int, count: Int, packetType: UInt8,
    length: Int, padding: Bool = false
  ) {
    buffer[offset] = 0x80 | (padding ? 0x20 : 0) | UInt8(count)
    buffer[offset + 1] = packetType
    buffer.storeBigEndian(UInt16(length / 4 - 1), at: offset + 2)
  }

  /// Checks the size and count limits every packet shares; returns the length.
  static func check(length: Int, count: Int, buffer: UnsafeMutableRawBufferPointer, at offset: Int)
    throws(RTCPSerializationError) -> Int
  {
    guard count <= 31 else { throw .countTooLarge(count) }
    guard length <= 65536 * 4 else { throw .packetTooLong(length) }
    guard offset + length <= buffer.count else {
      throw .bufferTooSmall(needed: offset + length, available: buffer.count)
    }
    return length
  }

  /// Copies `bytes` to `offset`.
  static func copy(_ bytes: [UInt8], into buffer: UnsafeMutableRawBufferPointer, at offset: Int) {
    for (index, byte) in bytes.enumerated() { buffer[offset + index] = byte }
  }

  /// Writes the report blocks and the profile extension that end an SR or RR, from `offset`.
  static func writeReports(
    _ reports: [RTCPReportBlock], profileExtension: [UInt8],
    into buffer: UnsafeMutableRawBufferPointer, at offset: Int
  ) throws(RTCPSerializationError) {
    var position = offset
    for report in reports {
      try report.write(into: buffer, at: position)
      position += RTCPReportBlock.length
    }
    copy(profileExtension, into: buffer, at: position)
  }
}
