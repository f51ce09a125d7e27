/// A From or To header (RFC 3261 20.20, 20.39): an optional display name, the URI, and the
/// tag that, with the Call-ID, names a dialog.
public struct SIPNameAddress: Sendable, Hashable, CustomStringConvertible {
  /// The display name, without quotes; `nil` when none is given.
  public var displayName: String?
  /// The URI, `sip:alice@atlanta.example.com`.
  public var uri: String
  /// The `tag` parameter.
  public var tag: String?

  /// A name-address with the given fields.
  public init(displayName: String? = nil, uri: String, tag: String? = nil) {
    self.displayName = displayName
    self.uri = uri
    self.tag = tag
  }

  /// Reads a header value, `"Alice" <sip:alice@host>;tag=1928` or `sip:alice@host;tag=1928`;
  /// `nil` when it has no URI.
  public init?(parsing text: some StringProtocol) {
    let value = Substring(text).trimmingSDPSpaces
    var parameters: Substring
    if let open = value.firstIndex(of: "<") {
      guard let close = value[open...].firstIndex(of: ">") else { return nil }
      let name = value[..<open].trimmingSDPSpaces
      var unquoted = name
      if unquoted.count >= 2, unquoted.first == "\"", unquoted.last == "\"" {
        unquoted = unquoted.dropFirst().dropLast()
      }
      displayName = unquoted.isEmpty ? nil : String(unquoted)
      uri = String(value[value.index(after: open)..<close].trimmingSDPSpaces)
      parameters = value[value.index(after: close)...]
    } else {
      displayName = nil
      let end = value.firstIndex(of: ";") ?? value.endIndex
      uri = String(value[..<end].trimmingSDPSpaces)
      parameters = value[end...]
    }
    guard !uri.isEmpty else { return nil }
    tag = nil
    for parameter in parameters.split(separator: ";") {
      let pair = parameter.split(separator: "=", maxSplits: 1)
      if pair.count == 2, pair[0].trimmingSDPSpaces.lowercased() == "tag" {
        tag = String(pair[1].trimmingSDPSpaces)
      }
    }
  }

  /// The user part of the URI, `alice` of `sip:alice@host`; `nil` without one.
  public var user: String? {
    guard let colon = uri.firstIndex(of: ":"), let at = uri.firstIndex(of: "@"), colon < at
    else { return nil }
    return String(uri[uri.index(after: colon)..<at])
  }

  /// The header value, `"Alice" <sip:alice@host>;tag=1928`.
  public var description: String {
    var text = displayName.map { "\"\($0)\" <\(uri)>" } ?? "<\(uri)>"
    if let tag { text += ";tag=\(tag)" }
    return text
  }
}
