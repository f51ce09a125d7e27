import RTPBase
import RTPPackets

/// A change to the RTP header of every packet of a stream: the SSRC XORed with a key, the
/// sequence number and the timestamp advanced by offsets (all modulo their width).
///
/// rtpsend uses it to make each `--streams` copy a stream of its own (a random key and offsets
/// per copy) and to continue sequence numbers and timestamps across `--loop` repetitions.
/// XOR keeps distinct SSRCs of the input distinct in every copy.
public struct RTPHeaderShift: Sendable, Hashable {
  /// XORed into the SSRC.
  public var ssrcKey: UInt32
  /// Added to the sequence number.
  public var sequenceOffset: UInt16
  /// Added to the timestamp.
  public var timestampOffset: UInt32

  /// A shift that XORs the SSRC with `ssrcKey` and adds `sequenceOffset` and
  /// `timestampOffset`; the defaults change nothing.
  public init(ssrcKey: UInt32 = 0, sequenceOffset: UInt16 = 0, timestampOffset: UInt32 = 0) {
    self.ssrcKey = ssrcKey
    self.sequenceOffset = sequenceOffset
    self.timestampOffset = timestampOffset
  }

  /// A shift with a random key and offsets from the system's CSPRNG.
  public static func random() -> RTPHeaderShift {
    let start = RTPStreamStart.random()
    return RTPHeaderShift(
      ssrcKey: start.ssrc, sequenceOffset: start.sequenceNumber, timestampOffset: start.timestamp)
  }

  /// Whether the shift changes nothing.
  public var isIdentity: Bool { ssrcKey == 0 && sequenceOffset == 0 && timestampOffset == 0 }

  /// This shift followed by `other`.
  public func then(_ other: RTPHeaderShift) -> RTPHeaderShift {
    RTPHeaderShift(
      ssrcKey: ssrcKey ^ other.ssrcKey, sequenceOffset: sequenceOffset &+ other.sequenceOffset,
      timestampOffset: timestampOffset &+ other.timestampOffset)
  }

  /// Rewrites the header of `packet` in place when it is RTP (version 2, not an RTCP packet
  /// type, at least 12 bytes); leaves anything else alone. Returns whether it rewrote.
  @discardableResult
  public func apply(to packet: UnsafeMutableRawBufferPointer) -> Bool {
    guard packet.count >= 12, RTPPacketKind(classifying: UnsafeRawBufferPointer(packet)) == .rtp
    else { return false }
    let header = UnsafeRawBufferPointer(packet)
    let sequence = header.loadBigEndian(as: UInt16.self, at: 2)
    let timestamp = header.loadBigEndian(as: UInt32.self, at: 4)
    let ssrc = header.loadBigEndian(as: UInt32.self, at: 8)
    packet.storeBigEndian(sequence &+ sequenceOffset, at: 2)
    packet.storeBigEndian(timestamp &+ timestampOffset, at: 4)
    packet.storeBigEndian(ssrc ^ ssrcKey, at: 8)
    return true
  }
}
