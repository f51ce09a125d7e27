import RTPBase

/// An application-defined packet, APP (packet type 204, RFC 3550 section 6.7), passed through
/// as it came.
public struct RTCPApplicationDefined: Hashable, Sendable {
  /// The RTCP packet type of APP packets.
  public static let packetType: UInt8 = 204

  /// The 5-bit subtype, in the header's count field.
  public var subtype: UInt8
  /// The sender's SSRC.
  public var ssrc: UInt32
  /// The four-character name, as four bytes.
  public var name: [UInt8]
  /// Application data, a whole number of 32-bit words.
  public var data: [UInt8]

  /// An APP packet; `name` is padded with spaces or cut to four bytes.
  public init(subtype: UInt8, ssrc: UInt32, name: String, data: [UInt8] = []) {
    var bytes = Array(name.utf8.prefix(4))
    while bytes.count < 4 { bytes.append(0x20) }
    self.init(subtype: subtype, ssrc: ssrc, name: bytes, data: data)
  }

  /// An APP packet with a name of exactly four bytes.
  public init(subtype: UInt8, ssrc: UInt32, name: [UInt8], data: [UInt8] = []) {
    precondition(name.count == 4, "an APP name is four bytes")
    self.subtype = subtype
    self.ssrc = ssrc
    self.name = name
    self.data = data
  }

  /// The name as text.
  public var nameText: String { String(decoding: name, as: UTF8.self) }

  /// The packet's length on the wire.
  public var serializedLength: Int { RTCPWire.headerLength + 8 + data.count }

  /// Writes the packet at the start of `buffer`; returns its length.
  public func serialize(into buffer: UnsafeMutableRawBufferPointer) throws(RTCPSerializationError)
    -> Int
  {
    try serialize(into: buffer, at: 0)
  }

  func serialize(into buffer: UnsafeMutableRawBufferPointer, at offset: Int)
    throws(RTCPSerializationError) -> Int
  {
    guard subtype <= 31 else { throw .subtypeOutOfRange(Int(subtype)) }
    guard data.count % 4 == 0 else { throw .notWordAligned(data.count) }
    let length = try RTCPWire.check(
      length: serializedLength, count: Int(subtype), buffer: buffer, at: offset)
    RTCPWire.writeHeader(
      into: buffer, at: offset, count: Int(subtype), packetType: Self.packetType, length: length)
    buffer.storeBigEndian(ssrc, at: offset + 4)
    RTCPWire.copy(name, into: buffer, at: offset + 8)
    RTCPWire.copy(data, into: buffer, at: offset + 12)
    return length
  }

  /// An APP packet read in place, copied.
  init(_ view: RTCPPacketView) {
    subtype = UInt8(view.count)
    ssrc = view.ssrc
    name = Array(view.applicationName)
    data = Array(view.applicationData)
  }
}
