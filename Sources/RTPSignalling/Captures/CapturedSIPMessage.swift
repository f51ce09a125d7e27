import RTPCaptures

/// A SIP message read from a capture, with when and between which endpoints it went.
public struct CapturedSIPMessage: Sendable, Hashable {
  /// The message.
  public var message: SIPMessage
  /// Capture time in nanoseconds since the Unix epoch: of the datagram, or over TCP of the
  /// segment that completed the message (as Wireshark reports a reassembled message).
  public var timestamp: Int64
  /// Where it came from.
  public var source: Endpoint
  /// Where it went.
  public var destination: Endpoint
  /// UDP or TCP.
  public var transport: SIPTransport

  /// A captured message with the given fields.
  public init(
    message: SIPMessage, timestamp: Int64, source: Endpoint, destination: Endpoint,
    transport: SIPTransport
  ) {
    self.message = message
    self.timestamp = timestamp
    self.source = source
    self.destination = destination
    self.transport = transport
  }
}
