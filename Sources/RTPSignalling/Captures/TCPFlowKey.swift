import RTPCaptures

/// One direction of a TCP connection: its source and destination endpoints.
public struct TCPFlowKey: Sendable, Hashable, CustomStringConvertible {
  /// The sender.
  public var source: Endpoint
  /// The receiver.
  public var destination: Endpoint

  /// The direction from `source` to `destination`.
  public init(source: Endpoint, destination: Endpoint) {
    self.source = source
    self.destination = destination
  }

  /// `192.0.2.1:40786 -> 192.0.2.2:5060`.
  public var description: String { "\(source) -> \(destination)" }
}
