/// One SDES chunk read in place: a source and a sequence of its items.
public struct RTCPSourceDescriptionChunkView: Sequence {
  /// The source described (an SSRC or a CSRC).
  public let ssrc: UInt32
  /// The items' bytes, up to the null octet that ends the list.
  let items: UnsafeRawBufferPointer

  init(ssrc: UInt32, items: UnsafeRawBufferPointer) {
    self.ssrc = ssrc
    self.items = items
  }

  /// The value of the first item of `type`, if any.
  public func value(of type: UInt8) -> UnsafeRawBufferPointer? {
    first { $0.type == type }?.value
  }

  /// The CNAME's bytes, if the chunk has one.
  public var cname: UnsafeRawBufferPointer? { value(of: RTCPSourceDescriptionItem.cname) }
  /// The TOOL's bytes, if the chunk has one.
  public var tool: UnsafeRawBufferPointer? { value(of: RTCPSourceDescriptionItem.tool) }

  public func makeIterator() -> Iterator { Iterator(bytes: items) }

  /// Walks the items of a validated chunk.
  public struct Iterator: IteratorProtocol {
    private let bytes: UnsafeRawBufferPointer
    private var offset = 0

    init(bytes: UnsafeRawBufferPointer) { self.bytes = bytes }

    public mutating func next() -> RTCPSourceDescriptionItemView? {
      guard offset < bytes.count else { return nil }
      let length = Int(bytes[offset + 1])
      let item = RTCPSourceDescriptionItemView(
        type: bytes[offset],
        value: UnsafeRawBufferPointer(rebasing: bytes[offset + 2..<offset + 2 + length]))
      offset += 2 + length
      return item
    }
  }
}
