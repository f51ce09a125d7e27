/// The RTP fixed header and what follows it before the payload (RFC 3550 section 5.1): the
/// fields a sender chooses and a receiver reads. The version is always 2.
public struct RTPHeader: Hashable, Sendable {
  /// The marker bit: by the audio profile's convention, the first packet of a talkspurt.
  public var marker: Bool
  /// The payload type, 0...127.
  public var payloadType: UInt8
  /// The sequence number, counting packets modulo 2^16.
  public var sequenceNumber: UInt16
  /// The sampling instant of the payload's first octet, in the payload type's clock.
  public var timestamp: UInt32
  /// The synchronisation source.
  public var ssrc: UInt32
  /// Contributing sources, at most 15.
  public var csrcs: [UInt32]
  /// The header extension, if any (RFC 3550 section 5.3.1, RFC 8285).
  public var headerExtension: RTPHeaderExtension?

  /// A header with these fields; no CSRCs and no extension unless given.
  public init(
    marker: Bool = false, payloadType: UInt8, sequenceNumber: UInt16, timestamp: UInt32,
    ssrc: UInt32, csrcs: [UInt32] = [], headerExtension: RTPHeaderExtension? = nil
  ) {
    self.marker = marker
    self.payloadType = payloadType
    self.sequenceNumber = sequenceNumber
    self.timestamp = timestamp
    self.ssrc = ssrc
    self.csrcs = csrcs
    self.headerExtension = headerExtension
  }

  /// The size of the fixed header.
  public static let fixedLength = 12

  /// Bytes this header occupies on the wire: fixed part, CSRCs and extension.
  public var length: Int {
    Self.fixedLength + 4 * csrcs.count + (headerExtension.map { 4 + $0.data.count } ?? 0)
  }
}
