/// The resolution of the timestamps a pcap file stores.
public enum TimestampPrecision: Sendable, Hashable {
  /// Microseconds: pcap magic `a1b2c3d4`, pcapng `if_tsresol` 6.
  case microseconds
  /// Nanoseconds: pcap magic `a1b23c4d`, pcapng `if_tsresol` 9.
  case nanoseconds
}
