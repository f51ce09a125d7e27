import RTPIO

/// Why a capture could not be read further: where the damage is and what it is.
///
/// Records before the damage have already been returned by the reader; the tools print
/// `tool: FILE: ` followed by ``description`` and exit with status 65 (bad input data), or 74 for
/// ``io(_:)``.
public enum CaptureError: Error, CustomStringConvertible, Sendable, Equatable {
  /// The input holds no bytes at all.
  case emptyInput
  /// The first bytes match none of the formats read here; `prefix` holds up to four of them.
  case unrecognizedFormat(prefix: [UInt8])
  /// The input ends inside a header, record or block: `got` of the `expected` bytes are there.
  case truncated(at: CaptureLocation, got: Int, expected: Int)
  /// A record claims more captured bytes than the file's (or interface's) snapshot length
  /// allows; `snaplen` is the limit applied (262144 when the file declares none or more).
  case caplenExceedsSnaplen(at: CaptureLocation, caplen: UInt32, snaplen: UInt32)
  /// A header, record or block is inconsistent; `reason` says how.
  case malformed(at: CaptureLocation, reason: String)
  /// A record's capture time, as its header, interface resolution and offset give it, is
  /// outside what ``/RTPBase/CaptureTime`` holds (1823 to 2116).
  case timestampOutOfRange(at: CaptureLocation)
  /// Reading the input failed.
  case io(IOError)
  /// The capture is compressed and the compressed stream is damaged or cut short at byte
  /// `offset` of the compressed bytes; bad data, like the other cases but ``io(_:)``.
  case damagedCompression(compression: Compression, offset: UInt64, reason: String)

  /// One line such as `record 17 at byte 2316: caplen 4294967295 exceeds snaplen 65535`.
  public var description: String {
    switch self {
    case .emptyInput:
      return "empty input"
    case .unrecognizedFormat(let prefix):
      let hex = prefix.map { byte in
        let digits = String(byte, radix: 16)
        return digits.count == 1 ? "0" + digits : digits
      }
      return "byte 0: not a pcap, pcapng or rtpdump capture (starts 0x\(hex.joined()))"
    case .truncated(let location, let got, let expected):
      return "\(location): truncated: \(got) of \(expected) bytes"
    case .caplenExceedsSnaplen(let location, let caplen, let snaplen):
      return "\(location): caplen \(caplen) exceeds snaplen \(snaplen)"
    case .malformed(let location, let reason):
      return "\(location): \(reason)"
    case .timestampOutOfRange(let location):
      return "\(location): timestamp out of range"
    case .io(let error):
      return error.description
    case .damagedCompression(let compression, let offset, let reason):
      return IOError.corrupt(compression: compression, offset: offset, reason: reason).description
    }
  }
}
