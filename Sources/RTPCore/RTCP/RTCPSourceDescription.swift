/// A source description, SDES (packet type 202, RFC 3550 section 6.5).
public struct RTCPSourceDescription: Hashable, Sendable {
  public static let packetType: UInt8 = 202

  /// One chunk per source described (at most 31).
  public var chunks: [RTCPSourceDescriptionChunk]

  public init(chunks: [RTCPSourceDescriptionChunk]) {
    self.chunks = chunks
  }

  /// The packet's length on the wire.
  public var serializedLength: Int {
    RTCPWire.headerLength + chunks.reduce(0) { $0 + $1.serializedLength }
  }

  /// Writes the packet at the start of `buffer`; returns its length.
  public func serialize(into buffer: UnsafeMutableRawBufferPointer) throws(RTCPSerializationError)
    -> Int
  {
    try serialize(into: buffer, at: 0)
  }

  func serialize(into buffer: UnsafeMutableRawBufferPointer, at offset: Int)
    throws(RTCPSerializationError) -> Int
  {
    for chunk in chunks {
      for item in chunk.items where item.value.count > 255 {
        throw .textTooLong(item.value.count)
      }
    }
    let length = try RTCPWire.check(
      length: serializedLength, count: chunks.count, buffer: buffer, at: offset)
    RTCPWire.writeHeader(
      into: buffer, at: offset, count: chunks.count, packetType: Self.packetType, length: length)
    var position = offset + 4
    for chunk in chunks {
      let chunkEnd = position + chunk.serializedLength
      buffer.storeBigEndian(chunk.ssrc, at: position)
      position += 4
      for item in chunk.items {
        buffer[position] = item.type
        buffer[position + 1] = UInt8(item.value.count)
        RTCPWire.copy(item.value, into: buffer, at: position + 2)
        position += 2 + item.value.count
      }
      while position < chunkEnd {
        buffer[position] = 0
        position += 1
      }
    }
    return length
  }

  /// Parses the packet in `bytes[range]` (padding removed) with `count` chunks.
  init(parsing bytes: UnsafeRawBufferPointer, range: Range<Int>, count: Int)
    throws(RTCPParseError)
  {
    let start = range.lowerBound
    let end = range.upperBound
    let failure = RTCPParseError.bodyTooShort(offset: start, packetType: Int(Self.packetType))
    var position = start + 4
    var chunks: [RTCPSourceDescriptionChunk] = []
    for _ in 0..<count {
      guard position + 4 <= end else { throw failure }
      var chunk = RTCPSourceDescriptionChunk(ssrc: bytes.loadBigEndian(at: position))
      position += 4
      while true {
        guard position < end else { throw failure }
        let type = bytes[position]
        if type == 0 {
          // The list ends; skip the null octets up to the next word boundary.
          position = (position - start + 4) & ~3 + start
          guard position <= end else { throw failure }
          break
        }
        guard position + 2 <= end else { throw failure }
        let length = Int(bytes[position + 1])
        guard position + 2 + length <= end else { throw failure }
        chunk.items.append(
          RTCPSourceDescriptionItem(
            type: type, value: RTCPWire.array(bytes, position + 2..<position + 2 + length)))
        position += 2 + length
      }
      chunks.append(chunk)
    }
    self.chunks = chunks
  }
}
