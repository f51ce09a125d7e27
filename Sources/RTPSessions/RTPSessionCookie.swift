/// The handle ``RTPControl/addSession(_:)`` returns for a session, and that the session's
/// callbacks carry (the seed's cookie).
public struct RTPSessionCookie: Hashable, Sendable, Comparable, CustomStringConvertible {
  /// The number, unique within one ``RTPControl``.
  public let rawValue: Int

  /// The cookie whose number is `rawValue`.
  public init(rawValue: Int) {
    self.rawValue = rawValue
  }

  public var description: String { "session-\(rawValue)" }

  public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }
}
