/// A UDP datagram taken from a capture: where it came from, where it went, when, and its payload.
///
/// `payload` points into the reader's buffer and is valid only until the reader is next called;
/// copy it (`Array(datagram.payload)`) to keep it.
public struct UDPDatagram {
  /// Capture time in nanoseconds since the Unix epoch.
  public var timestamp: Int64
  /// Where the datagram came from.
  public var source: Endpoint
  /// Where the datagram went.
  public var destination: Endpoint
  /// The UDP payload (for RTP, the RTP packet), or as much of it as the capture kept.
  public var payload: UnsafeRawBufferPointer
  /// The payload's length as the datagram carried it: more than `payload.count` when the
  /// capture kept only its first bytes (a short snaplen, an rtpdump header-only record).
  public var length: Int

  /// Creates a datagram whose payload was `length` bytes on the wire, of which `payload` holds
  /// the first ones; the whole payload when `length` is `nil`.
  public init(
    timestamp: Int64, source: Endpoint, destination: Endpoint, payload: UnsafeRawBufferPointer,
    length: Int? = nil
  ) {
    self.timestamp = timestamp
    self.source = source
    self.destination = destination
    self.payload = payload
    self.length = max(length ?? payload.count, payload.count)
  }

  /// Whether the capture cut the payload short: only its first ``payload`` bytes are here.
  @inlinable
  public var isTruncated: Bool { length > payload.count }
}
