/// A TCP segment taken from a capture: its endpoints, sequence number, flags and payload, for
/// the readers of protocols carried over TCP (SIP on port 5060).
///
/// `payload` points into the record's bytes and is valid only until the capture reader is next
/// called; copy it (`Array(segment.payload)`) to keep it.
public struct TCPSegment {
  /// Capture time in nanoseconds since the Unix epoch.
  public var timestamp: Int64
  /// Where the segment came from.
  public var source: Endpoint
  /// Where the segment went.
  public var destination: Endpoint
  /// The sequence number of the first payload byte (of the SYN itself when ``isSYN``).
  public var sequenceNumber: UInt32
  /// The SYN flag: the segment opens its direction of the connection.
  public var isSYN: Bool
  /// The FIN flag: the sender has no more data.
  public var isFIN: Bool
  /// The RST flag: the connection was reset.
  public var isRST: Bool
  /// The TCP payload, as much of it as the capture kept.
  public var payload: UnsafeRawBufferPointer
  /// Whether the capture cut the payload short (a short snaplen): bytes past ``payload`` were
  /// on the wire but are not here.
  public var isTruncated: Bool

  /// A segment with the given fields.
  public init(
    timestamp: Int64, source: Endpoint, destination: Endpoint, sequenceNumber: UInt32,
    isSYN: Bool = false, isFIN: Bool = false, isRST: Bool = false,
    payload: UnsafeRawBufferPointer, isTruncated: Bool = false
  ) {
    self.timestamp = timestamp
    self.source = source
    self.destination = destination
    self.sequenceNumber = sequenceNumber
    self.isSYN = isSYN
    self.isFIN = isFIN
    self.isRST = isRST
    self.payload = payload
    self.isTruncated = isTruncated
  }
}
