import RTPBase
import RTPIO

/// Reads libpcap's classic format: a 24-byte header, then records of a 16-byte header and the
/// captured bytes, in either byte order, with micro- or nanosecond timestamps.
@usableFromInline
final class PcapReader: CaptureFormatReader {
  // What ``nextPlainUDP()`` reads is usable from inlinable code: it is inlined into the read
  // loops of the layers above.
  @usableFromInline let source: InputSource
  private let bigEndian: Bool
  /// The timestamp resolution the magic number declares.
  let precision: TimestampPrecision
  /// The link type of every record (the header's low 16 bits; the upper bits carry FCS flags).
  let linkType: LinkType
  /// The largest caplen accepted.
  @usableFromInline let snaplen: UInt32
  // Stored state below is exempt from run-time exclusivity checks: only this type's own
  // methods touch it, on one thread (docs/ARCHITECTURE.md, Performance conventions).
  @usableFromInline @exclusivity(unchecked) internal var recordCount = 0
  /// Whether ``nextPlainUDP()`` applies: little-endian Ethernet records.
  let plainFastPath: Bool
  /// Nanoseconds per unit of the records' fractional seconds.
  @usableFromInline let fractionScale: Int64

  /// Reads the file header; `source` must start with a pcap magic number.
  init(source: InputSource) throws(CaptureError) {
    self.source = source
    let location = CaptureLocation.fileHeader(format: .pcap, offset: source.offset)
    let header = try source.capturePeek(24)
    guard header.count >= 24 else {
      throw .truncated(at: location, got: header.count, expected: 24)
    }
    switch header.loadBigEndian(as: UInt32.self, at: 0) {
    case 0xA1B2_C3D4: (bigEndian, precision) = (true, .microseconds)
    case 0xD4C3_B2A1: (bigEndian, precision) = (false, .microseconds)
    case 0xA1B2_3C4D: (bigEndian, precision) = (true, .nanoseconds)
    case 0x4D3C_B2A1: (bigEndian, precision) = (false, .nanoseconds)
    default: throw .malformed(at: location, reason: "not a pcap magic number")
    }
    let major = header.loadInteger(as: UInt16.self, at: 4, bigEndian: bigEndian)
    let minor = header.loadInteger(as: UInt16.self, at: 6, bigEndian: bigEndian)
    guard major == 2 else {
      throw .malformed(at: location, reason: "unsupported pcap version \(major).\(minor)")
    }
    snaplen = CaptureLimits.effectiveSnaplen(
      header.loadInteger(as: UInt32.self, at: 16, bigEndian: bigEndian))
    linkType = LinkType(
      rawValue: header.loadInteger(as: UInt32.self, at: 20, bigEndian: bigEndian) & 0xFFFF)
    source.consume(24)
    plainFastPath = !bigEndian && linkType == .ethernet
    fractionScale = precision == .microseconds ? 1_000 : 1
  }

  /// The next record's UDP datagram when the record is the usual kind, read in place with no
  /// checks beyond what it needs: little-endian, whole in the window, an untagged Ethernet frame
  /// of a whole unfragmented IPv4 UDP datagram (``DatagramDecoder/plainUDP(_:timestamp:)``).
  /// Anything else is `nil` with nothing consumed, for ``next()`` and the decoder to read in
  /// full, which return the same datagram for such a record. Only for a reader whose
  /// ``plainFastPath`` is set.
  @inlinable @inline(__always)
  func nextPlainUDP() -> UDPDatagram? {
    let window = source.buffered
    guard window.count >= 16 else { return nil }
    let base = window.baseAddress.unsafelyUnwrapped
    let caplen = UInt32(littleEndian: base.loadUnaligned(fromByteOffset: 8, as: UInt32.self))
    let total = 16 &+ Int(caplen)
    guard caplen <= snaplen, total <= window.count else { return nil }
    let seconds = UInt32(littleEndian: base.loadUnaligned(as: UInt32.self))
    let fraction = UInt32(littleEndian: base.loadUnaligned(fromByteOffset: 4, as: UInt32.self))
    // As in next(): every pcap time is a CaptureTime, with no overflow.
    let nanoseconds = Int64(seconds) &* 1_000_000_000 &+ Int64(fraction) &* fractionScale
    let frame = UnsafeRawBufferPointer(start: base + 16, count: Int(caplen))
    guard frame.count >= 14,
      frame.loadBigEndian(as: UInt16.self, at: 12) == 0x0800,
      let datagram = DatagramDecoder.plainUDP(
        UnsafeRawBufferPointer(start: base + 30, count: Int(caplen) &- 14),
        timestamp: nanoseconds)
    else { return nil }
    recordCount &+= 1
    source.consumeBuffered(total)
    return datagram
  }

  @inline(__always)
  func next() throws(CaptureError) -> CaptureRecord? {
    let offset = source.offset
    // The whole window: the record behind the header is usually in it already.
    let header = try source.capturePeekWindow(minimum: 16)
    if header.isEmpty { return nil }
    let index = recordCount + 1
    let location = CaptureLocation.record(index: index, offset: offset)
    guard header.count >= 16 else {
      throw .truncated(at: location, got: header.count, expected: 16)
    }
    let seconds = header.loadInteger(as: UInt32.self, at: 0, bigEndian: bigEndian)
    let fraction = header.loadInteger(as: UInt32.self, at: 4, bigEndian: bigEndian)
    let caplen = header.loadInteger(as: UInt32.self, at: 8, bigEndian: bigEndian)
    let origlen = header.loadInteger(as: UInt32.self, at: 12, bigEndian: bigEndian)
    guard caplen <= snaplen else {
      throw .caplenExceedsSnaplen(at: location, caplen: caplen, snaplen: snaplen)
    }
    let total = 16 + Int(caplen)
    let record = total <= header.count ? header : try source.capturePeek(total)
    guard record.count >= total else {
      throw .truncated(at: location, got: record.count, expected: total)
    }
    // Both terms are below 2^32 × 10^9 and their sum below 2^62, so every pcap time is a
    // CaptureTime and 64-bit arithmetic cannot overflow (no 128-bit products per record); the
    // range check keeps that true if the arithmetic ever changes.
    let scale: Int64 = precision == .microseconds ? 1_000 : 1
    let nanoseconds = Int64(seconds) &* 1_000_000_000 &+ Int64(fraction) &* scale
    guard let time = CaptureTime(nanoseconds: nanoseconds) else {
      throw .timestampOutOfRange(at: location)
    }
    recordCount = index
    // Consumed now: the bytes stay where they are until the next call on the source.
    source.consume(total)
    return CaptureRecord(
      index: index, offset: offset, timestamp: time.nanoseconds, linkType: linkType,
      originalLength: max(Int(origlen), Int(caplen)),
      bytes: UnsafeRawBufferPointer(rebasing: record[16..<total]))
  }
}
