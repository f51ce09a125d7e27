import RTPIO

/// Reads the UDP datagrams of a capture: a ``CaptureReader`` and a ``DatagramDecoder`` together,
/// with counts of what was read and skipped so tools can report it ("skipped 3 non-UDP
/// packets").
public final class DatagramReader {
  // The reader and the counts are usable from inlinable code: ``nextPlain()`` is inlined into
  // the read loops of the layers above (statistics, play-out), where a call per packet cost a
  // seventh of the work.
  @usableFromInline let captureReader: CaptureReader
  /// The decoder, for its fragment reassembly counters.
  public let decoder: DatagramDecoder
  // Stored state below is exempt from run-time exclusivity checks: only this type's own
  // methods touch it, on one thread (docs/ARCHITECTURE.md, Performance conventions).
  /// Capture records read so far.
  public var recordsRead: Int { recordCount }
  /// Datagrams returned so far.
  public var datagramsReturned: Int { datagramCount }
  @usableFromInline @exclusivity(unchecked) internal var recordCount = 0
  @usableFromInline @exclusivity(unchecked) internal var datagramCount = 0
  /// Records that held no datagram of their own, by reason, counted as they were read.
  @usableFromInline @exclusivity(unchecked) internal var recordsSkipped = SkipCounters()
  /// The capture time of the capture's first record, whatever it holds (nanoseconds since the
  /// Unix epoch): what tshark counts relative times from. `nil` until a record has been read.
  public var firstRecordTime: Int64? { firstTime }
  @usableFromInline @exclusivity(unchecked) internal var firstTime: Int64?
  /// Called with each record that held no datagram and why, for a reader of what else a
  /// capture holds (SIP over TCP) in the same pass; only records off the fast path pay for it.
  public var skippedRecordObserver: ((CaptureRecord, SkipReason) -> Void)?

  /// Identifies the capture format from the first bytes of `source` and reads its header.
  ///
  /// With `keepsTruncatedDatagrams`, datagrams whose payload the capture cut short are returned
  /// (``UDPDatagram/isTruncated``), for a reader of headers; otherwise they are skipped as
  /// ``SkipReason/truncatedPayload``.
  public init(source: InputSource, keepsTruncatedDatagrams: Bool = false) throws(CaptureError) {
    captureReader = try CaptureReader(source: source)
    decoder = DatagramDecoder(keepsTruncatedDatagrams: keepsTruncatedDatagrams)
  }

  /// IPv4 and IPv6 fragments that went into a reassembled datagram, other than the one that
  /// completed each (which counts as the datagram).
  public var fragmentsReassembled: Int { decoder.fragmentsReassembled }

  /// Records skipped so far, by reason: those that held no UDP datagram, and the fragments kept
  /// for datagrams that were evicted, expired, dropped as inconsistent, or are still incomplete
  /// (as never completed). Every record read is in exactly one of ``datagramsReturned``,
  /// ``fragmentsReassembled`` and these.
  public var skipped: SkipCounters {
    var all = recordsSkipped
    all.add(decoder.fragmentsSkipped)
    return all
  }

  /// The capture's format.
  public var format: CaptureFormat { captureReader.format }

  /// The next datagram if its record is the usual kind, a pcap Ethernet frame of a whole IPv4
  /// UDP datagram, read in place: the same datagram as ``next()`` returns for it. `nil`, with
  /// nothing read, for any other record (or the end): call ``next()``. Small enough to be
  /// inlined in a caller's loop, which keeps the datagram in registers.
  @inlinable @inline(__always)
  package func nextPlain() -> UDPDatagram? {
    guard let datagram = captureReader.nextPlainUDP() else { return nil }
    if recordCount == 0 { firstTime = datagram.timestamp }
    recordCount &+= 1
    datagramCount &+= 1
    return datagram
  }

  /// Returns the next UDP datagram, or `nil` at the clean end of the capture.
  ///
  /// The datagram's payload is valid until the next call. Records that hold no datagram are
  /// counted in ``skipped`` and passed over; a damaged capture throws after every datagram
  /// before the damage.
  @inlinable @inline(__always)
  public func next() throws(CaptureError) -> UDPDatagram? {
    if let datagram = nextPlain() { return datagram }
    while let record = try captureReader.next() {
      if recordCount == 0 { firstTime = record.timestamp }
      recordCount += 1
      switch decoder.decode(record) {
      case .datagram(let datagram):
        datagramCount += 1
        return datagram
      case .skipped(let reason):
        recordsSkipped.count(reason)
        skippedRecordObserver?(record, reason)
      case .held:
        break
      }
    }
    return nil
  }
}
