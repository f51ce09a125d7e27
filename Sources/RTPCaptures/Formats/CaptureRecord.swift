/// One packet record read from a capture, as the capture stored it.
///
/// `bytes` points into the reader's buffer and is valid only until the reader is next called.
public struct CaptureRecord {
  /// 1-based position of the record in the input, for error messages.
  public var index: Int
  /// Byte offset of the record's header in the input.
  public var offset: UInt64
  /// Capture time in nanoseconds since the Unix epoch; the readers return only times within
  /// ``/RTPBase/CaptureTime/range`` (an unrepresentable one is ``CaptureError/timestampOutOfRange(at:)``).
  public var timestamp: Int64
  /// How the bytes begin: the interface's link type (rtpdump records are bare UDP payloads and
  /// carry their addresses in ``rtpdumpEndpoints``).
  public var linkType: LinkType
  /// The packet's length on the wire; more than `bytes.count` when the capture was truncated.
  public var originalLength: Int
  /// The captured bytes.
  public var bytes: UnsafeRawBufferPointer
  /// For rtpdump input, the recorded source and the file's destination; `nil` otherwise.
  public var rtpdumpEndpoints: (source: Endpoint, destination: Endpoint)?

  /// A record as a reader found it; ``bytes`` must stay valid while the record is used.
  public init(
    index: Int, offset: UInt64, timestamp: Int64, linkType: LinkType, originalLength: Int,
    bytes: UnsafeRawBufferPointer,
    rtpdumpEndpoints: (source: Endpoint, destination: Endpoint)? = nil
  ) {
    self.index = index
    self.offset = offset
    self.timestamp = timestamp
    self.linkType = linkType
    self.originalLength = originalLength
    self.bytes = bytes
    self.rtpdumpEndpoints = rtpdumpEndpoints
  }
}
