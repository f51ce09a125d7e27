import ArgumentParser
import RTPCaptures

/// The capture formats a tool can write, as `--format` names them.
public enum OutputFormat: String, ExpressibleByArgument, CaseIterable, Sendable {
  /// pcap with microsecond timestamps (what every tool reads).
  case pcap
  /// pcap with nanosecond timestamps.
  case pcapNanoseconds = "pcap-ns"
  case pcapng
  case rtpdump

  /// The capture format and timestamp precision to hand to `CaptureWriter`.
  public var writerSettings: (format: CaptureFormat, precision: TimestampPrecision) {
    switch self {
    case .pcap: return (.pcap, .microseconds)
    case .pcapNanoseconds: return (.pcap, .nanoseconds)
    case .pcapng: return (.pcapng, .nanoseconds)
    case .rtpdump: return (.rtpdump, .microseconds)
    }
  }
}
