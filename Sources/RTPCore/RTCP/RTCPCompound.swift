/// The RTCP packets of one datagram (RFC 3550 section 6.1), validated as appendix A.2 says:
/// every packet version 2, the first a sender or receiver report, padding only on the last,
/// and the lengths adding up to the datagram's.
public struct RTCPCompound: Hashable, Sendable {
  /// The packets, in wire order.
  public var packets: [RTCPPacket]

  public init(_ packets: [RTCPPacket]) {
    self.packets = packets
  }

  /// Parses and validates every packet of `bytes`.
  public init(parsing bytes: UnsafeRawBufferPointer) throws(RTCPParseError) {
    guard !bytes.isEmpty else { throw .empty }
    var packets: [RTCPPacket] = []
    var offset = 0
    while offset < bytes.count {
      guard offset + RTCPWire.headerLength <= bytes.count else {
        throw .truncatedHeader(offset: offset)
      }
      let first = bytes[offset]
      let version = Int(first >> 6)
      guard version == 2 else { throw .badVersion(offset: offset, version: version) }
      let packetType = bytes[offset + 1]
      if offset == 0
        && packetType != RTCPSenderReport.packetType
        && packetType != RTCPReceiverReport.packetType
      {
        throw .firstNotReport(packetType: Int(packetType))
      }
      let words: UInt16 = bytes.loadBigEndian(at: offset + 2)
      let length = (Int(words) + 1) * 4
      guard offset + length <= bytes.count else {
        throw .lengthPastEnd(offset: offset, declared: length, available: bytes.count - offset)
      }
      var end = offset + length
      if first & 0x20 != 0 {
        guard end == bytes.count else { throw .paddingNotLast(offset: offset) }
        let padding = Int(bytes[end - 1])
        // Every packet's control information fills whole words, so padding does too.
        guard padding > 0, padding % 4 == 0, padding <= length - RTCPWire.headerLength else {
          throw .badPadding(offset: offset, padding: padding)
        }
        end -= padding
      }
      packets.append(
        try RTCPPacket.parse(
          bytes, range: offset..<end, packetType: packetType, count: Int(first & 0x1F)))
      offset += length
    }
    self.packets = packets
  }

  /// Parses and validates every packet of `bytes`.
  public init(parsing bytes: [UInt8]) throws(RTCPParseError) {
    var result: Result<RTCPCompound, RTCPParseError> = .failure(.empty)
    bytes.withUnsafeBytes { raw in
      do throws(RTCPParseError) {
        result = .success(try RTCPCompound(parsing: raw))
      } catch {
        result = .failure(error)
      }
    }
    self = try result.get()
  }

  /// The compound packet's length on the wire.
  public var serializedLength: Int { packets.reduce(0) { $0 + $1.serializedLength } }

  /// Writes every packet at the start of `buffer`; returns the length written.
  public func serialize(into buffer: UnsafeMutableRawBufferPointer) throws(RTCPSerializationError)
    -> Int
  {
    guard !packets.isEmpty else { throw .empty }
    let total = serializedLength
    guard total <= buffer.count else {
      throw .bufferTooSmall(needed: total, available: buffer.count)
    }
    var offset = 0
    for packet in packets {
      offset += try packet.serialize(into: buffer, at: offset)
    }
    return offset
  }

  /// A new array holding the compound packet.
  public func serialized() throws(RTCPSerializationError) -> [UInt8] {
    var bytes = [UInt8](repeating: 0, count: serializedLength)
    var failure: RTCPSerializationError?
    bytes.withUnsafeMutableBytes { buffer in
      do throws(RTCPSerializationError) {
        _ = try serialize(into: buffer)
      } catch {
        failure = error
      }
    }
    if let failure { throw failure }
    return bytes
  }
}
