/// The resolution of the timestamps a pcap file stores.
public enum TimestampPrecision: Sendable, Hashable {
  case microseconds
  case nanoseconds
}
