/// One RTCP packet of a compound packet (RFC 3550 section 6).
public enum RTCPPacket: Hashable, Sendable {
  /// A sender report, SR.
  case senderReport(RTCPSenderReport)
  /// A receiver report, RR.
  case receiverReport(RTCPReceiverReport)
  /// A source description, SDES.
  case sourceDescription(RTCPSourceDescription)
  /// A goodbye, BYE.
  case goodbye(RTCPGoodbye)
  /// An application-defined packet, APP.
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

  /// A packet read in place, copied into values.
  public init(_ view: RTCPPacketView) {
    switch view.packetType {
    case RTCPSenderReport.packetType: self = .senderReport(RTCPSenderReport(view))
    case RTCPReceiverReport.packetType: self = .receiverReport(RTCPReceiverReport(view))
    case RTCPSourceDescription.packetType: self = .sourceDescription(RTCPSourceDescription(view))
    case RTCPGoodbye.packetType: self = .goodbye(RTCPGoodbye(view))
    case RTCPApplicationDefined.packetType:
      self = .applicationDefined(RTCPApplicationDefined(view))
    default:
      self = .other(
        RTCPOtherPacket(
          packetType: view.packetType, count: UInt8(view.count), body: Array(view.body)))
    }
  }
}
