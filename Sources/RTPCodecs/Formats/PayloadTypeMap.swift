/// Which ``PayloadFormat`` each payload type number stands for in one stream or call: RFC 3551's
/// static assignments, the conventional telephone-event type 101, and whatever the user or
/// signalling maps (``map(_:to:)``), which overrides both.
public struct PayloadTypeMap: Sendable, Hashable {
  private var mapped: [UInt8: PayloadFormat] = [:]

  /// The payload type that carries RFC 4733 events when nothing maps it otherwise: 101, as
  /// SIP phones, rtpgen and Wireshark's `rtpevent` preference assume.
  public static let conventionalTelephoneEventType: UInt8 = 101

  /// The static assignments and the conventional telephone-event type.
  public init() {}

  /// Maps `payloadType` to `format`, replacing what it meant before.
  public mutating func map(_ payloadType: UInt8, to format: PayloadFormat) {
    mapped[payloadType] = format
  }

  /// Maps each of `mappings`, in order.
  public mutating func map(_ mappings: [PayloadTypeMapping]) {
    for mapping in mappings { map(mapping.payloadType, to: mapping.format) }
  }

  /// What `payloadType` means: a mapping, else its static assignment, else telephone-event for
  /// 101; `nil` for an unmapped dynamic or unassigned type.
  public func format(for payloadType: UInt8) -> PayloadFormat? {
    if let format = mapped[payloadType] { return format }
    if let assigned = PayloadFormat(staticPayloadType: payloadType) { return assigned }
    if payloadType == Self.conventionalTelephoneEventType {
      return PayloadFormat(encodingName: "telephone-event", clockRate: 8000)
    }
    return nil
  }

  /// The payload types mapped explicitly, in increasing order.
  public var mappedTypes: [UInt8] { mapped.keys.sorted() }
}
