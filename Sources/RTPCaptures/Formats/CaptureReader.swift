import RTPBase
import RTPIO

/// Reads packet records from a pcap, pcapng or rtpdump capture, whichever its first bytes say
/// it is, and from such a capture compressed with gzip or xz (also sniffed by its first bytes).
///
/// Records come out one at a time with their bytes still in the ``/RTPIO/InputSource``'s buffer (no
/// copy), so memory stays flat however long the capture is. Length fields are checked against
/// fixed bounds before anything is buffered, so a corrupt or hostile capture ends in a
/// ``CaptureError`` naming the record and byte offset, after every good record before it.
///
/// rtpdump records are bare UDP payloads: their ``CaptureRecord/rtpdumpEndpoints`` hold the
/// addresses and their link type is `LinkType(rawValue: 0xFFFF_FFFF)`, a value no pcap or pcapng
/// file can carry.
public final class CaptureReader {
  /// The format sniffed from the first bytes.
  public let format: CaptureFormat
  // The reader of the format, held by its concrete type: a call through `any
  // CaptureFormatReader` per record cost a dynamic dispatch and kept the pcap reader (the
  // common case) from being inlined into the datagram loop.
  private let pcap: PcapReader?
  private let other: (any CaptureFormatReader)?
  // Stored state below is exempt from run-time exclusivity checks: only this type's own
  // methods touch it, on one thread (docs/ARCHITECTURE.md, Performance conventions).
  @exclusivity(unchecked) private var failure: CaptureError?
  /// `pcap`, unretained, for ``nextPlainUDP()``: while it reads little-endian Ethernet records
  /// and has not failed.
  @usableFromInline @exclusivity(unchecked) internal var fastPcap: Unmanaged<PcapReader>?

  /// Identifies the format from the first bytes of `source` and reads the file header.
  ///
  /// - Throws: ``CaptureError/emptyInput``, ``CaptureError/unrecognizedFormat(prefix:)``, or an
  ///   error in the file header.
  public init(source: InputSource) throws(CaptureError) {
    // A capture compressed as a whole (gzip, xz) is read as the capture it decompresses to.
    _ = try source.captureDecompress(try source.capturePeek(Compression.magicLength))
    let prefix = try source.capturePeek(4)
    guard !prefix.isEmpty else { throw .emptyInput }
    guard prefix.count >= 4 else { throw .unrecognizedFormat(prefix: Array(prefix)) }
    switch prefix.loadBigEndian(as: UInt32.self, at: 0) {
    case 0xA1B2_C3D4, 0xD4C3_B2A1, 0xA1B2_3C4D, 0x4D3C_B2A1:
      format = .pcap
      pcap = try PcapReader(source: source)
      other = nil
    case 0x0A0D_0D0A:
      format = .pcapng
      pcap = nil
      other = PcapngReader(source: source)
    case 0x2321_7274:  // "#!rt"
      format = .rtpdump
      pcap = nil
      other = try RtpdumpReader(source: source)
    default:
      throw .unrecognizedFormat(prefix: Array(prefix))
    }
    fastPcap = pcap.flatMap { $0.plainFastPath ? .passUnretained($0) : nil }
  }

  /// The next record's UDP datagram when it is a pcap record of the usual kind
  /// (``PcapReader/nextPlainUDP()``), read in place; `nil`, with nothing consumed, for
  /// ``next()`` to read any other in full.
  @inlinable @inline(__always)
  package func nextPlainUDP() -> UDPDatagram? {
    guard let fastPcap else { return nil }
    // Unmanaged: `pcap` keeps the reader alive, so the call needs no retain and release.
    return fastPcap._withUnsafeGuaranteedRef { $0.nextPlainUDP() }
  }

  /// Returns the next packet record, or `nil` at the clean end of the input.
  ///
  /// The record's `bytes` are valid until the next call. After an error, every later call throws
  /// the same error.
  @inline(__always)
  public func next() throws(CaptureError) -> CaptureRecord? {
    if let failure { throw failure }
    do {
      // Not `if let`: binding the reader would retain and release it per record.
      if pcap != nil { return try pcap!.next() }
      return try other.unsafelyUnwrapped.next()
    } catch {
      failure = error
      fastPcap = nil
      throw error
    }
  }
}
