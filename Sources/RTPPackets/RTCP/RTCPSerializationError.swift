/// Why an RTCP packet cannot be written.
public enum RTCPSerializationError: Error, CustomStringConvertible, Sendable, Hashable {
  /// The destination buffer holds fewer bytes than the packet needs.
  case bufferTooSmall(needed: Int, available: Int)
  /// More than 31 report blocks, SDES chunks or BYE sources: the 5-bit count cannot say so.
  case countTooLarge(Int)
  /// An SDES item or BYE reason longer than 255 bytes.
  case textTooLong(Int)
  /// Data (profile extension, APP data) whose length is not a multiple of 4.
  case notWordAligned(Int)
  /// An APP subtype above 31.
  case subtypeOutOfRange(Int)
  /// A packet longer than the 16-bit length field can describe.
  case packetTooLong(Int)
  /// A cumulative loss outside the signed 24-bit range.
  case cumulativeLostOutOfRange(Int32)
  /// A compound packet with no packets.
  case empty

  public var description: String {
    switch self {
    case .bufferTooSmall(let needed, let available):
      return "packet needs \(needed) bytes, buffer holds \(available)"
    case .countTooLarge(let count):
      return "\(count) items, at most 31 fit"
    case .textTooLong(let length):
      return "text of \(length) bytes, at most 255 fit"
    case .notWordAligned(let length):
      return "\(length) bytes is not a whole number of 32-bit words"
    case .subtypeOutOfRange(let subtype):
      return "APP subtype \(subtype) is outside 0...31"
    case .packetTooLong(let length):
      return "RTCP packet of \(length) bytes is too long"
    case .cumulativeLostOutOfRange(let lost):
      return "cumulative loss \(lost) is outside the signed 24-bit range"
    case .empty:
      return "a compound packet needs at least one packet"
    }
  }
}
