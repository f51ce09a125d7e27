/// An SDP attribute line that is kept as text, `a=NAME` or `a=NAME:VALUE` (RFC 8866 5.13),
/// such as `a=rtcp-fb:103 nack` or `a=extmap:14 URI`.
public struct SDPAttribute: Sendable, Hashable {
  /// The attribute name, before the colon.
  public var name: String
  /// The value after the colon; `nil` for a property attribute (`a=rtcp-mux`).
  public var value: String?

  /// An attribute with the given name and value.
  public init(name: String, value: String? = nil) {
    self.name = name
    self.value = value
  }
}
