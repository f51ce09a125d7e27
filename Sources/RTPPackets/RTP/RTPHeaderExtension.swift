/// An RTP header extension (RFC 3550 section 5.3.1): a 16-bit profile-defined value and data in
/// whole 32-bit words, which RFC 8285 structures as elements.
public struct RTPHeaderExtension: Hashable, Sendable {
  /// The "defined by profile" field: `0xBEDE` for RFC 8285's one-byte form, `0x100x` for its
  /// two-byte form, anything else for a profile's own extension.
  public var profile: UInt16
  /// The extension data after its 4-byte header, a multiple of 4 bytes long.
  public var data: [UInt8]

  /// The profile value of RFC 8285's one-byte form.
  public static let oneByteProfile: UInt16 = 0xBEDE
  /// The profile value of RFC 8285's two-byte form (low 4 bits are application bits).
  public static let twoByteProfile: UInt16 = 0x1000

  /// An extension of `profile` (the 16 bits RFC 3550 leaves to the profile) whose data is
  /// `data`, a multiple of four octets.
  public init(profile: UInt16, data: [UInt8]) {
    self.profile = profile
    self.data = data
  }

  /// The RFC 8285 form this extension uses, if any.
  public enum Form: Sendable, Hashable {
    /// The one-byte form (profile `0xBEDE`).
    case oneByte
    /// The two-byte form (profile `0x1000` to `0x100F`: four application bits).
    case twoByte(appBits: UInt8)
  }

  /// The RFC 8285 form, or `nil` when the profile field names neither.
  public var form: Form? {
    if profile == Self.oneByteProfile { return .oneByte }
    if profile & 0xFFF0 == Self.twoByteProfile { return .twoByte(appBits: UInt8(profile & 0xF)) }
    return nil
  }

  /// Builds an extension in RFC 8285's one-byte form, padded to a whole word.
  public init(oneByteElements elements: [RTPHeaderExtensionElement]) throws(RTPSerializationError) {
    var bytes: [UInt8] = []
    for element in elements {
      guard (1...14).contains(element.id), (1...16).contains(element.data.count) else {
        throw .extensionElement(id: Int(element.id), length: element.data.count)
      }
      bytes.append(element.id << 4 | UInt8(element.data.count - 1))
      bytes.append(contentsOf: element.data)
    }
    while bytes.count % 4 != 0 { bytes.append(0) }
    self.init(profile: Self.oneByteProfile, data: bytes)
  }

  /// Builds an extension in RFC 8285's two-byte form, padded to a whole word.
  public init(
    twoByteElements elements: [RTPHeaderExtensionElement], appBits: UInt8 = 0
  ) throws(RTPSerializationError) {
    var bytes: [UInt8] = []
    for element in elements {
      guard element.id >= 1, element.data.count <= 255 else {
        throw .extensionElement(id: Int(element.id), length: element.data.count)
      }
      bytes.append(element.id)
      bytes.append(UInt8(element.data.count))
      bytes.append(contentsOf: element.data)
    }
    while bytes.count % 4 != 0 { bytes.append(0) }
    self.init(profile: Self.twoByteProfile | UInt16(appBits & 0xF), data: bytes)
  }

  /// The RFC 8285 elements, in order; empty for a profile-specific extension. Padding octets
  /// (in the one-byte form, any octet with ID 0) are skipped; in the one-byte form, ID 15 ends
  /// the list as the RFC requires.
  public func elements() throws(RTPParseError) -> [RTPHeaderExtensionElement] {
    guard let form else { return [] }
    var result: [RTPHeaderExtensionElement] = []
    var index = 0
    while index < data.count {
      let first = data[index]
      if first == 0 {
        index += 1
        continue
      }
      switch form {
      case .oneByte:
        let id = first >> 4
        if id == 15 { return result }
        if id == 0 {
          // ID 0 is padding (RFC 8285 section 4.2); its length bits mean nothing, as
          // libwebrtc also reads it.
          index += 1
          continue
        }
        let length = Int(first & 0x0F) + 1
        let available = data.count - index - 1
        guard length <= available else {
          throw .extensionElementPastEnd(id: Int(id), length: length, available: available)
        }
        result.append(.init(id: id, data: Array(data[(index + 1)..<(index + 1 + length)])))
        index += 1 + length
      case .twoByte:
        guard index + 1 < data.count else {
          throw .extensionElementPastEnd(id: Int(first), length: 1, available: 0)
        }
        let length = Int(data[index + 1])
        let available = data.count - index - 2
        guard length <= available else {
          throw .extensionElementPastEnd(id: Int(first), length: length, available: available)
        }
        result.append(.init(id: first, data: Array(data[(index + 2)..<(index + 2 + length)])))
        index += 2 + length
      }
    }
    return result
  }
}
