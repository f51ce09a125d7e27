import RTPBase
import RTPPackets

/// What one pass over a capture learns about one RTP stream: enough to list it and to choose it.
public struct RTPStreamSummary: Hashable, Sendable {
  /// The stream's SSRC and endpoints.
  public var key: RTPStreamKey
  /// Valid RTP packets seen, duplicates included.
  public var packets = 0
  /// The sequence number of the first packet in capture order.
  public var firstSequence: UInt16
  /// The sequence number of the last packet in capture order.
  public var lastSequence: UInt16
  /// Capture time of the first packet, nanoseconds since the Unix epoch.
  public var firstTime: Int64
  /// Capture time of the last packet, nanoseconds since the Unix epoch.
  public var lastTime: Int64
  /// Whether the flow has passed RFC 3550 appendix A.1's probation: a packet has followed the
  /// one before it in sequence. A lone datagram that happens to parse as RTP never does.
  public var isConfirmed = false
  /// One bit for each payload type seen (0...127): a fixed size however many there are.
  private var payloadTypeBits: (low: UInt64, high: UInt64) = (0, 0)

  /// Starts a summary with no packets counted; ``count(_:time:)`` counts the first.
  public init(key: RTPStreamKey, firstSequence: UInt16, time: Int64) {
    self.key = key
    self.firstSequence = firstSequence
    self.lastSequence = firstSequence
    self.firstTime = time
    self.lastTime = time
  }

  /// Counts `packet`, captured at `time`.
  @inline(__always)
  public mutating func count(_ packet: RTPPacket, time: Int64) {
    if packets > 0 && packet.sequenceNumber == lastSequence &+ 1 { isConfirmed = true }
    packets += 1
    lastSequence = packet.sequenceNumber
    lastTime = time
    let type = packet.payloadType
    if type < 64 {
      payloadTypeBits.low |= 1 << UInt64(type)
    } else {
      payloadTypeBits.high |= 1 << UInt64(type - 64)
    }
  }

  /// The payload types seen, in increasing order.
  public var payloadTypes: [UInt8] {
    (0..<128).compactMap { (type: UInt8) -> UInt8? in
      let bit: UInt64 =
        type < 64 ? payloadTypeBits.low >> UInt64(type) : payloadTypeBits.high >> UInt64(type - 64)
      return bit & 1 != 0 ? type : nil
    }
  }

  /// Nanoseconds from the first packet to the last, in capture order (0 for one packet).
  /// Exact for any two times a reader returns (``/RTPBase/CaptureTime``), never a trap for others.
  public var duration: Int64 { CaptureTime(clamping: lastTime) - CaptureTime(clamping: firstTime) }

  public static func == (lhs: Self, rhs: Self) -> Bool {
    lhs.key == rhs.key && lhs.packets == rhs.packets && lhs.isConfirmed == rhs.isConfirmed
      && lhs.firstSequence == rhs.firstSequence
      && lhs.lastSequence == rhs.lastSequence && lhs.firstTime == rhs.firstTime
      && lhs.lastTime == rhs.lastTime && lhs.payloadTypeBits == rhs.payloadTypeBits
  }

  public func hash(into hasher: inout Hasher) {
    hasher.combine(key)
    hasher.combine(packets)
    hasher.combine(payloadTypeBits.low)
    hasher.combine(payloadTypeBits.high)
  }
}
