import RTPBase

/// A validated RTP packet read in place from a datagram's bytes, without copying.
///
/// The bytes belong to the caller and must outlive the view; ``header`` copies the header out
/// when it must be kept.
public struct RTPPacket {
  /// The whole datagram.
  public let bytes: UnsafeRawBufferPointer
  /// Bytes before the payload: fixed header, CSRCs and header extension.
  public let headerLength: Int
  /// Padding octets at the end, including the count octet; 0 when the padding bit is clear.
  public let paddingLength: Int

  /// Validates `bytes` as an RTP packet per RFC 3550 section 5.1 and appendix A.1: version 2,
  /// not an RTCP packet type (RFC 5761), CSRC list, header extension and padding all inside it.
  ///
  /// With `truncated`, `bytes` are only the first bytes of a packet that a capture cut short:
  /// its header must be whole in them, and its padding, at the end that is missing, is neither
  /// checked nor removed.
  @inlinable
  public init(validating bytes: UnsafeRawBufferPointer, truncated: Bool = false)
    throws(RTPParseError)
  {
    let count = bytes.count
    guard count >= 12 else { throw .tooShort(length: count) }
    let first = bytes[0]
    guard first >> 6 == 2 else { throw .badVersion(Int(first >> 6)) }
    let second = bytes[1]
    guard !RTPPacketKind.isRTCPPacketType(second) else { throw .rtcp(packetType: Int(second)) }
    var length = 12 + 4 * Int(first & 0x0F)
    guard length <= count else { throw .csrcPastEnd(count: Int(first & 0x0F), length: count) }
    if first & 0x10 != 0 {
      guard length + 4 <= count else {
        throw .extensionPastEnd(declaredBytes: 4, available: count - length)
      }
      let words = Int(bytes.loadBigEndian(as: UInt16.self, at: length + 2))
      let declared = 4 + 4 * words
      guard declared <= count - length else {
        throw .extensionPastEnd(declaredBytes: declared, available: count - length)
      }
      length += declared
    }
    var padding = 0
    if first & 0x20 != 0 && !truncated {
      guard count > length else { throw .paddingTooLong(padding: 1, available: 0) }
      padding = Int(bytes[count - 1])
      guard padding != 0 else { throw .zeroPadding }
      guard padding <= count - length else {
        throw .paddingTooLong(padding: padding, available: count - length)
      }
    }
    self.bytes = bytes
    self.headerLength = length
    self.paddingLength = padding
  }

  /// A view of bytes already validated, with the lengths validation found.
  @inlinable
  package init(validated bytes: UnsafeRawBufferPointer, headerLength: Int, paddingLength: Int) {
    self.bytes = bytes
    self.headerLength = headerLength
    self.paddingLength = paddingLength
  }

  /// The marker bit, whose meaning the profile sets (a talkspurt's first packet for audio).
  @inlinable public var marker: Bool { bytes[1] & 0x80 != 0 }
  /// The payload type, 0...127.
  @inlinable public var payloadType: UInt8 { bytes[1] & 0x7F }
  /// The sequence number.
  @inlinable public var sequenceNumber: UInt16 { bytes.loadBigEndian(at: 2) }
  /// The RTP timestamp.
  @inlinable public var timestamp: UInt32 { bytes.loadBigEndian(at: 4) }
  /// The synchronisation source.
  @inlinable public var ssrc: UInt32 { bytes.loadBigEndian(at: 8) }
  /// How many CSRCs follow the fixed header, 0...15.
  @inlinable public var csrcCount: Int { Int(bytes[0] & 0x0F) }
  /// Whether the packet ends in padding.
  @inlinable public var hasPadding: Bool { bytes[0] & 0x20 != 0 }
  /// Whether a header extension follows the CSRCs.
  @inlinable public var hasExtension: Bool { bytes[0] & 0x10 != 0 }

  /// The CSRC at `index`, which must be below ``csrcCount``.
  @inlinable
  public func csrc(at index: Int) -> UInt32 {
    precondition(index >= 0 && index < csrcCount, "CSRC index out of range")
    return bytes.loadBigEndian(at: 12 + 4 * index)
  }

  /// The payload: what lies between the header and the padding.
  @inlinable
  public var payload: UnsafeRawBufferPointer {
    UnsafeRawBufferPointer(rebasing: bytes[headerLength..<(bytes.count - paddingLength)])
  }

  /// The header extension's profile field and data, without copying; `nil` when absent.
  public var extensionBytes: (profile: UInt16, data: UnsafeRawBufferPointer)? {
    guard hasExtension else { return nil }
    let start = 12 + 4 * csrcCount
    let profile = bytes.loadBigEndian(as: UInt16.self, at: start)
    return (profile, UnsafeRawBufferPointer(rebasing: bytes[(start + 4)..<headerLength]))
  }

  /// A copy of the header.
  public var header: RTPHeader {
    RTPHeader(
      marker: marker, payloadType: payloadType, sequenceNumber: sequenceNumber,
      timestamp: timestamp, ssrc: ssrc, csrcs: (0..<csrcCount).map { csrc(at: $0) },
      headerExtension: extensionBytes.map {
        RTPHeaderExtension(profile: $0.profile, data: Array($0.data))
      })
  }
}
