/// What identifies the fragments of one datagram: for IPv4 (RFC 791) source, destination,
/// protocol and 16-bit identification; for IPv6 (RFC 8200) source, destination and 32-bit
/// identification. The two families never share a key.
struct FragmentKey: Hashable {
  var sourceHigh: UInt64
  var sourceLow: UInt64
  var destinationHigh: UInt64
  var destinationLow: UInt64
  var identification: UInt32
  /// The IPv4 protocol; zero for IPv6, whose fragments name their next header instead.
  var proto: UInt8
  var isIPv6: Bool

  /// The key of an IPv4 fragment.
  init(source: UInt32, destination: UInt32, identification: UInt16, proto: UInt8) {
    sourceHigh = 0
    sourceLow = UInt64(source)
    destinationHigh = 0
    destinationLow = UInt64(destination)
    self.identification = UInt32(identification)
    self.proto = proto
    isIPv6 = false
  }

  /// The key of an IPv6 fragment.
  init(source: IPv6Address, destination: IPv6Address, identification: UInt32) {
    sourceHigh = source.high
    sourceLow = source.low
    destinationHigh = destination.high
    destinationLow = destination.low
    self.identification = identification
    proto = 0
    isIPv6 = true
  }
}
