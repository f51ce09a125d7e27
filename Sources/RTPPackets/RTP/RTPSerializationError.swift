/// Why an RTP header or packet cannot be written.
public enum RTPSerializationError: Error, CustomStringConvertible, Sendable, Hashable {
  /// The destination buffer holds fewer bytes than the packet needs.
  case bufferTooSmall(needed: Int, available: Int)
  /// More than 15 CSRCs.
  case tooManyCSRCs(Int)
  /// A payload type above 127.
  case payloadTypeOutOfRange(Int)
  /// Header extension data whose length is not a multiple of 4 or exceeds 65535 words.
  case extensionLength(Int)
  /// Padding outside 0...255 bytes.
  case paddingOutOfRange(Int)
  /// An RFC 8285 element that its form cannot carry (ID or length out of range).
  case extensionElement(id: Int, length: Int)

  public var description: String {
    switch self {
    case .bufferTooSmall(let needed, let available):
      return "packet needs \(needed) bytes, buffer holds \(available)"
    case .tooManyCSRCs(let count):
      return "\(count) CSRCs, at most 15 fit"
    case .payloadTypeOutOfRange(let type):
      return "payload type \(type) is outside 0...127"
    case .extensionLength(let length):
      return "header extension data of \(length) bytes is not a whole number of 32-bit words"
    case .paddingOutOfRange(let padding):
      return "padding of \(padding) bytes is outside 0...255"
    case .extensionElement(let id, let length):
      return "extension element ID \(id) with \(length) bytes does not fit its form"
    }
  }
}
