import RTPBase

/// A goodbye, BYE (packet type 203, RFC 3550 section 6.6): sources leaving, and why.
public struct RTCPGoodbye: Hashable, Sendable {
  /// The RTCP packet type of BYE packets.
  public static let packetType: UInt8 = 203

  /// The sources leaving (at most 31).
  public var sources: [UInt32]
  /// The reason, up to 255 bytes of UTF-8; `nil` for none.
  public var reason: [UInt8]?

  /// A BYE for `sources`, with the optional `reason` text (at most 255 octets).
  public init(sources: [UInt32], reason: [UInt8]? = nil) {
    self.sources = sources
    self.reason = reason
  }

  /// A BYE whose reason is `reason` as UTF-8.
  public init(sources: [UInt32], reason: String) {
    self.init(sources: sources, reason: Array(reason.utf8))
  }

  /// The reason decoded as UTF-8, if any.
  public var reasonText: String? { reason.map { String(decoding: $0, as: UTF8.self) } }

  /// The packet's length on the wire.
  public var serializedLength: Int {
    let reasonLength = reason.map { ($0.count + 1 + 3) & ~3 } ?? 0
    return RTCPWire.headerLength + 4 * sources.count + reasonLength
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
    if let reason, reason.count > 255 { throw .textTooLong(reason.count) }
    let length = try RTCPWire.check(
      length: serializedLength, count: sources.count, buffer: buffer, at: offset)
    RTCPWire.writeHeader(
      into: buffer, at: offset, count: sources.count, packetType: Self.packetType,
      length: length)
    var position = offset + 4
    for source in sources {
      buffer.storeBigEndian(source, at: position)
      position += 4
    }
    if let reason {
      buffer[position] = UInt8(reason.count)
      RTCPWire.copy(reason, into: buffer, at: position + 1)
      position += 1 + reason.count
      while position < offset + length {
        buffer[position] = 0
        position += 1
      }
    }
    return length
  }

  /// A BYE read in place, copied.
  init(_ view: RTCPPacketView) {
    sources = Array(view.goodbyeSources)
    reason = view.goodbyeReason.map { Array($0) }
  }
}
