/// Reads the UDP datagrams of a capture: a ``CaptureReader`` and a ``DatagramDecoder`` together,
/// with counts of what was read and skipped so tools can report it ("skipped 3 non-UDP
/// packets").
public final class DatagramReader {
  private let captureReader: CaptureReader
  /// The decoder, for its fragment reassembly counters.
  public let decoder: DatagramDecoder
  // Stored state below is exempt from run-time exclusivity checks: only this type's own
  // methods touch it, on one thread, and the checks cost a fifth of a tool's time per packet.
  /// Capture records read so far.
  @exclusivity(unchecked) public private(set) var recordsRead = 0
  /// Datagrams returned so far.
  @exclusivity(unchecked) public private(set) var datagramsReturned = 0
  /// IPv4 fragments kept for reassembly so far.
  @exclusivity(unchecked) public private(set) var fragmentsHeld = 0
  /// Records skipped so far, by reason.
  @exclusivity(unchecked) public private(set) var skipped = SkipCounters()
  /// The capture time of the capture's first record, whatever it holds (nanoseconds since the
  /// Unix epoch): what tshark counts relative times from. `nil` until a record has been read.
  @exclusivity(unchecked) public private(set) var firstRecordTime: Int64?

  /// Identifies the capture format from the first bytes of `source` and reads its header.
  public init(source: InputSource) throws(CaptureError) {
    captureReader = try CaptureReader(source: source)
    decoder = DatagramDecoder()
  }

  /// The capture's format.
  public var format: CaptureFormat { captureReader.format }

  /// Returns the next UDP datagram, or `nil` at the clean end of the capture.
  ///
  /// The datagram's payload is valid until the next call. Records that hold no datagram are
  /// counted in ``skipped`` and passed over; a damaged capture throws after every datagram
  /// before the damage.
  @inline(__always)
  public func next() throws(CaptureError) -> UDPDatagram? {
    while let record = try captureReader.next() {
      if recordsRead == 0 { firstRecordTime = record.timestamp }
      recordsRead += 1
      switch decoder.decode(record) {
      case .datagram(let datagram):
        datagramsReturned += 1
        return datagram
      case .skipped(let reason):
        skipped.count(reason)
      case .held:
        fragmentsHeld += 1
      }
    }
    return nil
  }
}
