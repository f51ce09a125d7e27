/// The RTP fixed header and what follows it before the payload (RFC 3550 section 5.1): the
/// fields a sender chooses and a receiver reads. The version is always 2.
public struct RTPHeader: Hashable, Sendable {
  /// The marker bit: by the audio profile's convention, the first packet of a talkspurt.
  public var marker: Bool
  /// The payload type, 0...127.
  public var payloadType: UInt8
  public var sequenceNumber: UInt16
  public var timestamp: UInt32
  public var ssrc: UInt32
  /// Contributing sources, at most 15.
  public var csrcs: [UInt32]
  public var headerExtension: RTPHeaderExtension?

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
