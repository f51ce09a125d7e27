import ArgumentParser
import RTPCaptures

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// `HOST:PORT` from the command line: an IPv4 or IPv6 literal (`[::1]:5004` or `::1:5004`) or a
/// host name, resolved when the value is parsed.
public struct HostPort: ExpressibleByArgument, Sendable, Hashable {
  public var endpoint: Endpoint

  public init(_ endpoint: Endpoint) {
    self.endpoint = endpoint
  }

  public init?(argument: String) {
    guard let (host, port) = Endpoint.split(argument) else { return nil }
    if let address = IPAddress(host) {
      endpoint = Endpoint(address: address, port: port)
    } else if let address = HostPort.resolve(host) {
      endpoint = Endpoint(address: address, port: port)
    } else {
      return nil
    }
  }

  public static var defaultCompletionKind: CompletionKind { .default }

  /// The first address the resolver gives for `name`, IPv4 preferred as `getaddrinfo` orders.
  static func resolve(_ name: String) -> IPAddress? {
    var hints = addrinfo()
    hints.ai_family = AF_UNSPEC
    #if canImport(Glibc)
      hints.ai_socktype = Int32(SOCK_DGRAM.rawValue)
    #else
      hints.ai_socktype = SOCK_DGRAM
    #endif
    var result: UnsafeMutablePointer<addrinfo>?
    guard getaddrinfo(name, nil, &hints, &result) == 0, let first = result else { return nil }
    defer { freeaddrinfo(result) }
    var entry: UnsafeMutablePointer<addrinfo>? = first
    while let current = entry {
      if let address = current.pointee.ai_addr {
        switch Int32(address.pointee.sa_family) {
        case AF_INET:
          let value = address.withMemoryRebound(to: sockaddr_in.self, capacity: 1) {
            UInt32(bigEndian: $0.pointee.sin_addr.s_addr)
          }
          return .v4(IPv4Address(rawValue: value))
        case AF_INET6:
          let bytes = address.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) {
            withUnsafeBytes(of: $0.pointee.sin6_addr) { Array($0) }
          }
          return bytes.withUnsafeBytes { .v6(IPv6Address(bytes: $0)) }
        default:
          break
        }
      }
      entry = current.pointee.ai_next
    }
    return nil
  }
}

extension HostPort: CustomStringConvertible {
  public var description: String { endpoint.description }
}
