import RTPBase

/// One reception report block (RFC 3550 section 6.4.1): what a receiver says about one source.
public struct RTCPReportBlock: Hashable, Sendable {
  /// The length of a block on the wire.
  public static let length = 24
  /// The largest cumulative loss the signed 24-bit field holds.
  public static let maximumCumulativeLost: Int32 = 0x7F_FFFF
  /// The smallest (most negative, after duplicates) cumulative loss the field holds.
  public static let minimumCumulativeLost: Int32 = -0x80_0000

  /// The source this block reports on.
  public var ssrc: UInt32
  /// Packets lost since the previous report, as a fixed-point fraction of 256.
  public var fractionLost: UInt8
  /// Packets expected minus packets received since reception began: negative with duplicates;
  /// signed 24 bits on the wire.
  public var cumulativeLost: Int32
  /// Cycles of the sequence number in the high 16 bits, the highest sequence number received
  /// in the low 16.
  public var extendedHighestSequence: UInt32
  /// Interarrival jitter in timestamp units (appendix A.8).
  public var jitter: UInt32
  /// The middle 32 bits of the NTP timestamp of the last sender report received from the
  /// source, 0 if none.
  public var lastSenderReport: UInt32
  /// The delay from receiving that sender report to sending this block, in 1/65536 s; 0 if
  /// none.
  public var delaySinceLastSenderReport: UInt32

  /// A report block with the fields of RFC 3550 section 6.4.1.
  public init(
    ssrc: UInt32, fractionLost: UInt8 = 0, cumulativeLost: Int32 = 0,
    extendedHighestSequence: UInt32 = 0, jitter: UInt32 = 0, lastSenderReport: UInt32 = 0,
    delaySinceLastSenderReport: UInt32 = 0
  ) {
    self.ssrc = ssrc
    self.fractionLost = fractionLost
    self.cumulativeLost = cumulativeLost
    self.extendedHighestSequence = extendedHighestSequence
    self.jitter = jitter
    self.lastSenderReport = lastSenderReport
    self.delaySinceLastSenderReport = delaySinceLastSenderReport
  }

  /// The round-trip time this block implies when it arrives at `arrival` (section 6.4.1:
  /// A − LSR − DLSR), in nanoseconds; `nil` when the block carries no LSR.
  public func roundTripTime(arrival: NTPTimestamp) -> Int64? {
    guard lastSenderReport != 0 else { return nil }
    let units = Int64(
      Int32(bitPattern: arrival.middle32 &- lastSenderReport &- delaySinceLastSenderReport))
    return units * 1_000_000_000 / 65536
  }

  /// Reads a block from the 24 bytes at `offset`; the caller has checked the bounds.
  init(reading bytes: UnsafeRawBufferPointer, at offset: Int) {
    ssrc = bytes.loadBigEndian(at: offset)
    let lossWord: UInt32 = bytes.loadBigEndian(at: offset + 4)
    fractionLost = UInt8(lossWord >> 24)
    // Sign-extend the low 24 bits.
    cumulativeLost = Int32(bitPattern: lossWord << 8) >> 8
    extendedHighestSequence = bytes.loadBigEndian(at: offset + 8)
    jitter = bytes.loadBigEndian(at: offset + 12)
    lastSenderReport = bytes.loadBigEndian(at: offset + 16)
    delaySinceLastSenderReport = bytes.loadBigEndian(at: offset + 20)
  }

  /// Writes the block at `offset`; the caller has checked the bounds.
  func write(into buffer: UnsafeMutableRawBufferPointer, at offset: Int)
    throws(RTCPSerializationError)
  {
    guard (Self.minimumCumulativeLost...Self.maximumCumulativeLost).contains(cumulativeLost)
    else { throw .cumulativeLostOutOfRange(cumulativeLost) }
    buffer.storeBigEndian(ssrc, at: offset)
    let loss = UInt32(fractionLost) << 24 | UInt32(bitPattern: cumulativeLost) & 0xFF_FFFF
    buffer.storeBigEndian(loss, at: offset + 4)
    buffer.storeBigEndian(extendedHighestSequence, at: offset + 8)
    buffer.storeBigEndian(jitter, at: offset + 12)
    buffer.storeBigEndian(lastSenderReport, at: offset + 16)
    buffer.storeBigEndian(delaySinceLastSenderReport, at: offset + 20)
  }
}
