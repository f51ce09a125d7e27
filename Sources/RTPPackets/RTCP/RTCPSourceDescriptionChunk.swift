/// The SDES items describing one source (RFC 3550 section 6.5).
public struct RTCPSourceDescriptionChunk: Hashable, Sendable {
  /// The source described (an SSRC or a CSRC).
  public var ssrc: UInt32
  /// Its items, in wire order.
  public var items: [RTCPSourceDescriptionItem]

  /// The items describing `ssrc`.
  public init(ssrc: UInt32, items: [RTCPSourceDescriptionItem] = []) {
    self.ssrc = ssrc
    self.items = items
  }

  /// The text of the first item of `type`, if any.
  public func text(of type: UInt8) -> String? {
    items.first { $0.type == type }?.text
  }

  /// The CNAME, if the chunk has one.
  public var cname: String? { text(of: RTCPSourceDescriptionItem.cname) }
  /// The TOOL, if the chunk has one.
  public var tool: String? { text(of: RTCPSourceDescriptionItem.tool) }

  /// The chunk's length on the wire: SSRC, items, at least one null octet, padded to a word.
  var serializedLength: Int {
    let content = 4 + items.reduce(0) { $0 + 2 + $1.value.count }
    return (content + 4) & ~3
  }
}
