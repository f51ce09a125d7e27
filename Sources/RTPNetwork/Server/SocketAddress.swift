import CNetShim
import RTPCaptures

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#endif

/// A kernel socket address (`sockaddr_in` or `sockaddr_in6` with its length), converted to and
/// from ``Endpoint`` at the edges so the hot paths hand the kernel bytes it already knows.
struct SocketAddress: @unchecked Sendable {
  // @unchecked: a plain C struct of bytes, copied by value; nothing is shared.
  var raw = rtpnet_sockaddr()

  init(raw: rtpnet_sockaddr) {
    self.raw = raw
  }

  /// The address of `endpoint` for a socket of `family`; an IPv4 endpoint becomes IPv4-mapped on
  /// a dual-stack IPv6 socket. `nil` when the socket cannot reach that family.
  init?(_ endpoint: Endpoint, socketIsIPv6: Bool, dualStack: Bool) {
    switch endpoint.address {
    case .v4(let v4):
      if !socketIsIPv6 {
        rtpnet_sockaddr_ipv4(&raw, v4.rawValue, endpoint.port)
      } else if dualStack {
        let mapped = IPv6Address(high: 0, low: 0xFFFF_0000_0000 | UInt64(v4.rawValue))
        Self.fillIPv6(&raw, mapped, endpoint.port)
      } else {
        return nil
      }
    case .v6(let v6):
      guard socketIsIPv6 else { return nil }
      Self.fillIPv6(&raw, v6, endpoint.port, scope: endpoint.scopeID)
    }
  }

  private static func fillIPv6(
    _ raw: inout rtpnet_sockaddr, _ address: IPv6Address, _ port: UInt16, scope: UInt32 = 0
  ) {
    var octets = (address.high.bigEndian, address.low.bigEndian)
    withUnsafeBytes(of: &octets) { bytes in
      rtpnet_sockaddr_ipv6(&raw, bytes.bindMemory(to: UInt8.self).baseAddress, port, scope)
    }
  }

  /// Whether the address is IPv6.
  var isIPv6: Bool { Int32(raw.storage.ss_family) == AF_INET6 }

  /// The endpoint, with an IPv4-mapped IPv6 address shown as IPv4; `nil` for other families.
  var endpoint: Endpoint? {
    var copy = raw
    return Self.endpoint(of: &copy)
  }

  /// Decodes a kernel address in place (no copy of the 128-byte storage on the receive path).
  static func endpoint(of raw: UnsafePointer<rtpnet_sockaddr>) -> Endpoint? {
    var family: Int32 = 0
    var port: UInt16 = 0
    var octets: (UInt64, UInt64) = (0, 0)
    let status = withUnsafeMutableBytes(of: &octets) { bytes in
      rtpnet_sockaddr_parts(raw, &family, bytes.bindMemory(to: UInt8.self).baseAddress, &port)
    }
    guard status == 0 else { return nil }
    if family == RTPNET_FAMILY_IPV4 {
      let value = UInt32(truncatingIfNeeded: octets.0)
      return Endpoint(address: .v4(IPv4Address(rawValue: UInt32(bigEndian: value))), port: port)
    }
    let high = UInt64(bigEndian: octets.0)
    let low = UInt64(bigEndian: octets.1)
    if high == 0, low >> 32 == 0xFFFF {
      return Endpoint(
        address: .v4(IPv4Address(rawValue: UInt32(truncatingIfNeeded: low))), port: port)
    }
    return Endpoint(
      address: .v6(IPv6Address(high: high, low: low)), port: port,
      scopeID: rtpnet_sockaddr_scope(raw))
  }
}
