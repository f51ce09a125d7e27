/// One SIP header field: its name (a compact form such as `i` given as its full name,
/// `Call-ID`) and its value, folded continuation lines joined by one space.
public struct SIPHeader: Sendable, Hashable {
  /// The name, with compact forms expanded (RFC 3261 7.3.3).
  public var name: String
  /// The value, without leading and trailing white space.
  public var value: String

  /// A header with the given name (a compact form is expanded) and value.
  public init(name: String, value: String) {
    self.name = SIPHeader.fullName(name)
    self.value = value
  }

  /// The full name of a compact form (`i` Call-ID, `f` From, `t` To, `m` Contact, `l`
  /// Content-Length, `c` Content-Type, `v` Via, `e` Content-Encoding, `k` Supported, `s`
  /// Subject, `o` Event, `r` Refer-To, `b` Referred-By, `u` Allow-Events, `x` Session-Expires);
  /// any other name as given.
  public static func fullName(_ name: String) -> String {
    guard name.count == 1 else { return name }
    switch name.lowercased() {
    case "i": return "Call-ID"
    case "f": return "From"
    case "t": return "To"
    case "m": return "Contact"
    case "l": return "Content-Length"
    case "c": return "Content-Type"
    case "v": return "Via"
    case "e": return "Content-Encoding"
    case "k": return "Supported"
    case "s": return "Subject"
    case "o": return "Event"
    case "r": return "Refer-To"
    case "b": return "Referred-By"
    case "u": return "Allow-Events"
    case "x": return "Session-Expires"
    default: return name
    }
  }

  /// Whether this header is named `name` (ignoring case; compact forms count as their full name).
  public func isNamed(_ name: String) -> Bool {
    self.name.lowercased() == SIPHeader.fullName(name).lowercased()
  }
}
