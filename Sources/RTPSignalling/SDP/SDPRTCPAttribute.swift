/// An `a=rtcp` attribute (RFC 3605): the port, and optionally the address, where the author
/// of the description receives RTCP when it is not the RTP port plus one.
public struct SDPRTCPAttribute: Sendable, Hashable {
  /// The RTCP port.
  public var port: UInt16
  /// The RTCP address, when the attribute gives one.
  public var connection: SDPConnection?

  /// An attribute with the given fields.
  public init(port: UInt16, connection: SDPConnection? = nil) {
    self.port = port
    self.connection = connection
  }

  /// Reads the part after `a=rtcp:`, `PORT [IN IP4 ADDRESS]`; `nil` without a valid port.
  public init?(parsing text: some StringProtocol) {
    let fields = text.split(whereSeparator: { $0 == " " || $0 == "\t" })
    guard let first = fields.first, let port = UInt16(first) else { return nil }
    self.port = port
    connection =
      fields.count >= 4 ? SDPConnection(parsing: fields[1...].joined(separator: " ")) : nil
  }
}
