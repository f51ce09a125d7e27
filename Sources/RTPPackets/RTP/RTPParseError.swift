/// Why a datagram is not a valid RTP packet (RFC 3550 section 5.1 and appendix A.1).
public enum RTPParseError: Error, CustomStringConvertible, Sendable, Hashable {
  /// Fewer bytes than the 12-byte fixed header.
  case tooShort(length: Int)
  /// The version field is not 2.
  case badVersion(Int)
  /// The second octet is an RTCP packet type (RFC 5761 section 4): this is RTCP, not RTP.
  case rtcp(packetType: Int)
  /// The CSRC list runs past the end of the datagram.
  case csrcPastEnd(count: Int, length: Int)
  /// The header extension's header or its declared length runs past the end of the datagram.
  case extensionPastEnd(declaredBytes: Int, available: Int)
  /// The padding bit is set but the last octet, the padding count, is zero.
  case zeroPadding
  /// The padding count is larger than what follows the header.
  case paddingTooLong(padding: Int, available: Int)
  /// An RFC 8285 header extension element's length runs past the end of the extension.
  case extensionElementPastEnd(id: Int, length: Int, available: Int)

  public var description: String {
    switch self {
    case .tooShort(let length):
      return "\(length) bytes is shorter than the 12-byte RTP header"
    case .badVersion(let version):
      return "RTP version \(version), expected 2"
    case .rtcp(let packetType):
      return "RTCP packet type \(packetType), not RTP"
    case .csrcPastEnd(let count, let length):
      return "\(count) CSRCs run past the end of a \(length)-byte packet"
    case .extensionPastEnd(let declared, let available):
      return "header extension of \(declared) bytes runs past the end (\(available) available)"
    case .zeroPadding:
      return "padding bit set with a padding count of 0"
    case .paddingTooLong(let padding, let available):
      return "padding of \(padding) bytes exceeds the \(available) bytes after the header"
    case .extensionElementPastEnd(let id, let length, let available):
      return
        "header extension element \(id) of \(length) bytes runs past the end (\(available) left)"
    }
  }
}
