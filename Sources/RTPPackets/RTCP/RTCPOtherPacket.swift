/// An RTCP packet of a type this library does not decode (feedback, XR, …), kept whole so that
/// it passes through.
public struct RTCPOtherPacket: Hashable, Sendable {
  /// The packet type (second octet).
  public var packetType: UInt8
  /// The 5-bit count (or format) field.
  public var count: UInt8
  /// Everything after the 4-byte header, a whole number of 32-bit words.
  public var body: [UInt8]

  /// A packet of `packetType` with the five-bit `count` field and `body`, the octets after its
  /// four-octet header.
  public init(packetType: UInt8, count: UInt8, body: [UInt8]) {
    self.packetType = packetType
    self.count = count
    self.body = body
  }

  /// The packet's length on the wire.
  public var serializedLength: Int { RTCPWire.headerLength + body.count }

  func serialize(into buffer: UnsafeMutableRawBufferPointer, at offset: Int)
    throws(RTCPSerializationError) -> Int
  {
    guard body.count % 4 == 0 else { throw .notWordAligned(body.count) }
    let length = try RTCPWire.check(
      length: serializedLength, count: Int(count), buffer: buffer, at: offset)
    RTCPWire.writeHeader(
      into: buffer, at: offset, count: Int(count), packetType: packetType, length: length)
    RTCPWire.copy(body, into: buffer, at: offset + 4)
    return length
  }
}
