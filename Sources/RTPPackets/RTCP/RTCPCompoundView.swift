import RTPBase

/// A validated RTCP compound packet read in place from a datagram's bytes, without copying or
/// allocating: a sequence of ``RTCPPacketView``s.
///
/// Validation is the same as ``RTCPCompound/init(parsing:)-(UnsafeRawBufferPointer)``'s (RFC 3550
/// appendix A.2, and every packet's contents inside it), so that every accessor of the packets,
/// their report blocks, SDES chunks and items and BYE sources reads checked bytes. The bytes
/// belong to the caller and must outlive the view; ``RTCPCompound/init(_:)-(RTCPCompoundView)`` copies it into
/// values when it must be kept.
public struct RTCPCompoundView: Sequence {
  /// The whole datagram.
  public let bytes: UnsafeRawBufferPointer

  /// Validates `bytes` as a compound packet: every packet version 2, the first an SR or RR,
  /// padding only on the last, the lengths adding up to the datagram's, and what each header
  /// says its packet holds (report blocks, SDES chunks and items, BYE sources and reason, an
  /// APP name) inside it.
  public init(validating bytes: UnsafeRawBufferPointer) throws(RTCPParseError) {
    guard !bytes.isEmpty else { throw .empty }
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
      try Self.checkContents(
        bytes, range: offset..<end, packetType: packetType, count: Int(first & 0x1F))
      offset += length
    }
    self.bytes = bytes
  }

  /// Checks that what the header of the packet in `bytes[range]` (padding removed) says it
  /// holds lies inside it.
  private static func checkContents(
    _ bytes: UnsafeRawBufferPointer, range: Range<Int>, packetType: UInt8, count: Int
  ) throws(RTCPParseError) {
    let start = range.lowerBound
    let end = range.upperBound
    let failure = RTCPParseError.bodyTooShort(offset: start, packetType: Int(packetType))
    switch packetType {
    case RTCPSenderReport.packetType:
      guard
        start + RTCPPacketView.senderReportBlocksOffset + count * RTCPReportBlock.length
          <= end
      else { throw failure }
    case RTCPReceiverReport.packetType:
      guard
        start + RTCPPacketView.receiverReportBlocksOffset + count * RTCPReportBlock.length
          <= end
      else { throw failure }
    case RTCPSourceDescription.packetType:
      var position = start + RTCPWire.headerLength
      for _ in 0..<count {
        guard position + 4 <= end else { throw failure }
        position += 4
        while true {
          guard position < end else { throw failure }
          if bytes[position] == 0 {
            // The list ends; skip the null octets up to the next word boundary.
            position = (position - start + 4) & ~3 + start
            guard position <= end else { throw failure }
            break
          }
          guard position + 2 <= end else { throw failure }
          let length = Int(bytes[position + 1])
          guard position + 2 + length <= end else { throw failure }
          position += 2 + length
        }
      }
    case RTCPGoodbye.packetType:
      let sourcesEnd = start + RTCPWire.headerLength + 4 * count
      guard sourcesEnd <= end else { throw failure }
      if sourcesEnd < end {
        guard sourcesEnd + 1 + Int(bytes[sourcesEnd]) <= end else { throw failure }
      }
    case RTCPApplicationDefined.packetType:
      guard start + 12 <= end else { throw failure }
    default:
      break
    }
  }

  public func makeIterator() -> Iterator { Iterator(bytes: bytes) }

  /// Walks the packets of a validated compound.
  public struct Iterator: IteratorProtocol {
    private let bytes: UnsafeRawBufferPointer
    private var offset = 0

    init(bytes: UnsafeRawBufferPointer) { self.bytes = bytes }

    public mutating func next() -> RTCPPacketView? {
      guard offset < bytes.count else { return nil }
      let first = bytes[offset]
      let words: UInt16 = bytes.loadBigEndian(at: offset + 2)
      let length = (Int(words) + 1) * 4
      var end = offset + length
      if first & 0x20 != 0 { end -= Int(bytes[end - 1]) }
      let packet = RTCPPacketView(
        validated: UnsafeRawBufferPointer(rebasing: bytes[offset..<end]), offset: offset)
      offset += length
      return packet
    }
  }
}
