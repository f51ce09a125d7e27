/// Which way media flows for the author of a session description (RFC 8866 6.7):
/// `a=sendrecv`, `a=sendonly`, `a=recvonly` or `a=inactive`; `sendrecv` when none is given.
public enum MediaDirection: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
  /// The author both sends and receives.
  case sendrecv
  /// The author only sends.
  case sendonly
  /// The author only receives.
  case recvonly
  /// The author neither sends nor receives.
  case inactive

  /// Whether the author of the description receives media in this direction.
  public var receives: Bool { self == .sendrecv || self == .recvonly }

  /// Whether the author of the description sends media in this direction.
  public var sends: Bool { self == .sendrecv || self == .sendonly }

  /// The attribute name, `sendrecv`.
  public var description: String { rawValue }
}
