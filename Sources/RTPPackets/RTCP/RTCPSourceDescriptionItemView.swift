/// One SDES item read in place: its type and its bytes.
public struct RTCPSourceDescriptionItemView {
  /// The item type (see ``RTCPSourceDescriptionItem``'s constants).
  public let type: UInt8
  /// The item's bytes (usually UTF-8), valid as long as the datagram's.
  public let value: UnsafeRawBufferPointer

  /// The value decoded as UTF-8 (invalid sequences replaced).
  public var text: String { String(decoding: value, as: UTF8.self) }
}
