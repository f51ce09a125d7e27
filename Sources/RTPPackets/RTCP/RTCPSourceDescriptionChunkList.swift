import RTPBase

/// The chunks of an SDES packet read in place (see
/// ``RTCPPacketView/sourceDescriptionChunks``).
public struct RTCPSourceDescriptionChunkList: Sequence {
  /// The packet's body: the chunks, then anything after them.
  let bytes: UnsafeRawBufferPointer
  /// How many chunks the header declares.
  let count: Int

  public func makeIterator() -> Iterator { Iterator(bytes: bytes, remaining: count) }

  /// Walks the chunks of a validated packet.
  public struct Iterator: IteratorProtocol {
    private let bytes: UnsafeRawBufferPointer
    private var remaining: Int
    private var offset = 0

    init(bytes: UnsafeRawBufferPointer, remaining: Int) {
      self.bytes = bytes
      self.remaining = remaining
    }

    public mutating func next() -> RTCPSourceDescriptionChunkView? {
      guard remaining > 0 else { return nil }
      remaining -= 1
      let start = offset
      var position = start + 4
      while bytes[position] != 0 { position += 2 + Int(bytes[position + 1]) }
      // The null octet, and up to three more to the next word boundary.
      offset = (position + 4) & ~3
      return RTCPSourceDescriptionChunkView(
        ssrc: bytes.loadBigEndian(at: start),
        items: UnsafeRawBufferPointer(rebasing: bytes[start + 4..<position]))
    }
  }
}
