/// The packet stream formats the tools read and write.
public enum CaptureFormat: String, Sendable, CaseIterable, CustomStringConvertible {
  /// libpcap's classic format.
  case pcap
  /// The pcap next-generation block format.
  case pcapng
  /// rtptools' binary format (`#!rtpplay1.0`).
  case rtpdump

  public var description: String { rawValue }
}
