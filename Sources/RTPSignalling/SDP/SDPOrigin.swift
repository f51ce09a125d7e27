/// The origin line of a session description, `o=USER SESSION VERSION IN IP4 ADDRESS`
/// (RFC 8866 5.2): who made the session and which version of it this is (a re-offer has the
/// same session id and a higher version).
public struct SDPOrigin: Sendable, Hashable {
  /// The user name, `-` when there is none.
  public var username: String
  /// The session id, as written (it may exceed 64 bits).
  public var sessionID: String
  /// The session version, as written.
  public var sessionVersion: String
  /// The address of the machine that made the session.
  public var connection: SDPConnection

  /// An origin with the given fields.
  public init(
    username: String, sessionID: String, sessionVersion: String, connection: SDPConnection
  ) {
    self.username = username
    self.sessionID = sessionID
    self.sessionVersion = sessionVersion
    self.connection = connection
  }

  /// Reads the part after `o=`; `nil` unless it has the six fields.
  public init?(parsing text: some StringProtocol) {
    let fields = text.split(whereSeparator: { $0 == " " || $0 == "\t" })
    guard fields.count == 6,
      let connection = SDPConnection(parsing: fields[3...].joined(separator: " "))
    else { return nil }
    username = String(fields[0])
    sessionID = String(fields[1])
    sessionVersion = String(fields[2])
    self.connection = connection
  }
}
