/// A UDP datagram taken from a capture: where it came from, where it went, when, and its payload.
///
/// `payload` points into the reader's buffer and is valid only until the reader is next called;
/// copy it (`Array(datagram.payload)`) to keep it.
public struct UDPDatagram {
  /// Capture time in nanoseconds since the Unix epoch.
  public var timestamp: Int64
  public var source: Endpoint
  public var destination: Endpoint
  /// The UDP payload (for RTP, the RTP packet).
  public var payload: UnsafeRawBufferPointer

  public init(
    timestamp: Int64, source: Endpoint, destination: Endpoint, payload: UnsafeRawBufferPointer
  ) {
    self.timestamp = timestamp
    self.source = source
    self.destination = destination
    self.payload = payload
  }
}
