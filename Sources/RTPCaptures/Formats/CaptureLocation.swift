/// Where in a capture something went wrong, for error messages.
///
/// pcap and rtpdump files are a header and then records, so errors name the record; pcapng files
/// are blocks, of which only some hold packets, so errors there name the block.
public enum CaptureLocation: Sendable, Hashable, CustomStringConvertible {
  /// A file header (pcap's global header, rtpdump's address line and binary header) at a byte
  /// offset.
  case fileHeader(format: CaptureFormat, offset: UInt64)
  /// The 1-based `index`-th record, whose header starts at byte `offset`.
  case record(index: Int, offset: UInt64)
  /// The 1-based `index`-th pcapng block (of any type), which starts at byte `offset`.
  case block(index: Int, offset: UInt64)

  /// `pcap header at byte 0`, `record 3 at byte 120` or `block 5 at byte 880`.
  public var description: String {
    switch self {
    case .fileHeader(let format, let offset):
      return "\(format) header at byte \(offset)"
    case .record(let index, let offset):
      return "record \(index) at byte \(offset)"
    case .block(let index, let offset):
      return "block \(index) at byte \(offset)"
    }
  }
}
