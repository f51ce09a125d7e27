/// One SDES item (RFC 3550 section 6.5): a type and up to 255 bytes of (usually UTF-8) text.
///
/// Every type is kept, those this library has no name for too, so that a parsed packet
/// serializes back to the same bytes.
public struct RTCPSourceDescriptionItem: Hashable, Sendable {
  /// Canonical end-point identifier, `user@host`.
  public static let cname: UInt8 = 1
  /// User name.
  public static let name: UInt8 = 2
  /// Electronic mail address.
  public static let email: UInt8 = 3
  /// Phone number.
  public static let phone: UInt8 = 4
  /// Geographic location.
  public static let location: UInt8 = 5
  /// Name and version of the application generating the stream.
  public static let tool: UInt8 = 6
  /// Transient message.
  public static let note: UInt8 = 7
  /// Private extension: a prefix length, a prefix and a value.
  public static let privateExtension: UInt8 = 8

  /// The item type (1...255; 0 ends a chunk's list and is never an item).
  public var type: UInt8
  /// The item's bytes.
  public var value: [UInt8]

  /// An item of `type` whose text is `value` (at most 255 octets).
  public init(type: UInt8, value: [UInt8]) {
    self.type = type
    self.value = value
  }

  /// An item holding `text` as UTF-8.
  public init(type: UInt8, text: String) {
    self.init(type: type, value: Array(text.utf8))
  }

  /// The value decoded as UTF-8 (invalid sequences replaced).
  public var text: String { String(decoding: value, as: UTF8.self) }
}
