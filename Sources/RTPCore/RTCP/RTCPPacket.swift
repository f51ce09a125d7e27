/// One RTCP packet of a compound packet (RFC 3550 section 6).
public enum RTCPPacket: Hashable, Sendable {
  case senderReport(RTCPSenderReport)
  case receiverReport(RTCPReceiverReport)
  case sourceDescription(RTCPSourceDescription)
  case goodbye(RTCPGoodbye)
  case applicationDefined(RTCPApplicationDefined)
  /// Any other type, kept undecoded.
  case other(RTCPOtherPacket)

  /// The packet type on the wire.
  public var packetType: UInt8 {
    switch self {
    case .senderReport: return RTCPSenderReport.packetType
    case .receiverReport: return RTCPReceiverReport.packetType
    case .sourceDescription: return RTCPSourceDescription.packetType
    case .goodbye: return RTCPGoodbye.packetType
    case .applicationDefined: return RTCPApplicationDefined.packetType
    case .other(let packet): return packet.packetType
    }
  }

  /// The packet's length on the wire, without padding.
  public var serializedLength: Int {
    switch self {
    case .senderReport(let packet): return packet.serializedLength
    case .receiverReport(let packet): return packet.serializedLength
    case .sourceDescription(let packet): return packet.serializedLength
    case .goodbye(let packet): return packet.serializedLength
    case .applicationDefined(let packet): return packet.serializedLength
    case .other(let packet): return packet.serializedLength
    }
  }

  /// Writes the packet at `offset` in `buffer`; returns its length.
  public func serialize(into buffer: UnsafeMutableRawBufferPointer, at offset: Int = 0)
    throws(RTCPSerializationError) -> Int
  {
    switch self {
    case .senderReport(let packet): return try packet.serialize(into: buffer, at: offset)
    case .receiverReport(let packet): return try packet.serialize(into: buffer, at: offset)
    case .sourceDescription(let packet): return try packet.serialize(into: buffer, at: offset)
    case .goodbye(let packet): return try packet.serialize(into: buffer, at: offset)
    case .applicationDefined(let packet): return try packet.serialize(into: buffer, at: offset)
    case .other(let packet): return try packet.serialize(into: buffer, at: offset)
    }
  }

  /// Decodes the packet in `bytes[range]`, its padding already removed.
  static func parse(
    _ bytes: UnsafeRawBufferPointer, range: Range<Int>, packetType: UInt8, count: Int
  ) throws(RTCPParseError) -> RTCPPacket {
    switch packetType {
    case RTCPSenderReport.packetType:
      return .senderReport(try RTCPSenderReport(parsing: bytes, range: range, count: count))
    case RTCPReceiverReport.packetType:
      return .receiverReport(try RTCPReceiverReport(parsing: bytes, range: range, count: count))
    case RTCPSourceDescription.packetType:
      return .sourceDescription(
        try RTCPSourceDescription(parsing: bytes, range: range, count: count))
    case RTCPGoodbye.packetType:
      return .goodbye(try RTCPGoodbye(parsing: bytes, range: range, count: count))
    case RTCPApplicationDefined.packetType:
      return .applicationDefined(
        try RTCPApplicationDefined(parsing: bytes, range: range, subtype: count))
    default:
      let body = RTCPWire.array(bytes, range.lowerBound + 4..<range.upperBound)
      return .other(RTCPOtherPacket(packetType: packetType, count: UInt8(count), body: body))
    }
  }
}
