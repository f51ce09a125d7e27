/// Which IP version a channel's socket uses.
public enum AddressFamily: Sendable, Hashable {
  /// From the bind address: IPv4 for `0.0.0.0` (the default) or an IPv4 address, IPv6 for an
  /// IPv6 one. An IPv6 socket made this way is dual-stack: it also talks to IPv4 peers, which
  /// appear as IPv4 endpoints.
  case auto
  /// IPv4 only; the default bind address is `0.0.0.0`, an IPv6 one is refused.
  case ipv4
  /// IPv6 only (`IPV6_V6ONLY`); the default bind address is `::`, an IPv4 one is refused.
  case ipv6
}
