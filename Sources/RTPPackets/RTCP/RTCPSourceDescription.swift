import RTPBase

/// A source description, SDES (packet type 202, RFC 3550 section 6.5).
public struct RTCPSourceDescription: Hashable, Sendable {
  /// The RTCP packet type of SDES packets.
  public static let packetType: UInt8 = 202

  /// One chunk per source described (at most 31).
  public var chunks: [RTCPSourceDescriptionChunk]

  /// A source description of up to 31 chunks.
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

  /// An SDES packet read in place, copied.
  init(_ view: RTCPPacketView) {
    chunks = view.sourceDescriptionChunks.map { chunk in
      RTCPSourceDescriptionChunk(
        ssrc: chunk.ssrc,
        items: chunk.map { RTCPSourceDescriptionItem(type: $0.type, value: Array($0.value)) })
    }
  }
}
