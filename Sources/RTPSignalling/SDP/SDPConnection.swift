import RTPCaptures

/// An SDP connection line, `c=IN IP4 192.0.2.1` (RFC 8866 5.7): where the author of the
/// description receives media, for the session or for one media description.
public struct SDPConnection: Sendable, Hashable {
  /// The network type, `IN` for the Internet.
  public var networkType: String
  /// The address type, `IP4` or `IP6`.
  public var addressType: String
  /// The address as written, without a multicast TTL or address count (`/127/3`): a literal
  /// or a host name.
  public var address: String

  /// A connection with the given fields.
  public init(networkType: String = "IN", addressType: String, address: String) {
    self.networkType = networkType
    self.addressType = addressType
    self.address = address
  }

  /// Reads the part after `c=`; `nil` unless it has the three fields.
  public init?(parsing text: some StringProtocol) {
    let fields = text.split(whereSeparator: { $0 == " " || $0 == "\t" })
    guard fields.count >= 3 else { return nil }
    networkType = String(fields[0])
    addressType = String(fields[1])
    address = String(fields[2].prefix { $0 != "/" })
    guard !address.isEmpty else { return nil }
  }

  /// The address when it is an IPv4 or IPv6 literal; `nil` for a host name (not resolved here).
  public var ipAddress: IPAddress? { IPAddress(address) }
}
