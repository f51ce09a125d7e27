import CNetShim
import RTPCaptures
import SystemPackage

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#endif

/// Turns a host (an address literal or a name) and a port into an ``/RTPCaptures/Endpoint`` with
/// `getaddrinfo`, the way tools resolve `--to` and `--bind`.
public enum HostResolver {
  /// Resolves `host` for UDP and keeps the first answer of `family` (`.auto` takes whichever
  /// the resolver lists first). Literals never touch DNS.
  public static func resolve(_ host: String, port: UInt16, family: AddressFamily = .auto)
    throws(NetworkError) -> Endpoint
  {
    if let address = IPAddress(host) {
      switch (family, address) {
      case (.ipv4, .v6), (.ipv6, .v4):
        throw .cannotResolve(host: host, reason: "address family does not match")
      default:
        return Endpoint(address: address, port: port)
      }
    }
    let raw = try socketAddress(host, port: port, family: family)
    guard let endpoint = raw.endpoint else {
      throw .cannotResolve(host: host, reason: "no IPv4 or IPv6 address")
    }
    return endpoint
  }

  static func socketAddress(_ host: String, port: UInt16, family: AddressFamily)
    throws(NetworkError) -> SocketAddress
  {
    var raw = rtpnet_sockaddr()
    var systemError: Int32 = 0
    let hint: Int32
    switch family {
    case .auto: hint = AF_UNSPEC
    case .ipv4: hint = AF_INET
    case .ipv6: hint = AF_INET6
    }
    let status = rtpnet_resolve(host, port, hint, &raw, &systemError)
    guard status == 0 else {
      let reason =
        systemError != 0
        ? "\(Errno(rawValue: systemError))" : String(cString: rtpnet_resolve_error(status))
      throw .cannotResolve(host: host, reason: reason)
    }
    return SocketAddress(raw: raw)
  }
}
