import RTPCaptures
import RTPCodecs

/// One media description of a session description: an `m=` line and the lines under it
/// (RFC 8866 5.14), with the attributes that say what RTP sent to it carries.
///
/// The port and connection are where the description's author receives this media; the
/// payload formats are what RTP sent there uses (``payloadTypeMappings``).
public struct MediaDescription: Sendable, Hashable {
  /// The media type: `audio`, `video`, `text`, `application`, `message`.
  public var media: String
  /// The transport port, 0 for a stream that is rejected or not used.
  public var port: UInt16
  /// The number of ports (`m=audio 49170/2 ...`), 1 when not given.
  public var portCount: Int
  /// The transport protocol: `RTP/AVP`, `RTP/SAVP`, `UDP/TLS/RTP/SAVPF`, `udp`...
  public var proto: String
  /// The formats as written: payload type numbers for RTP.
  public var formats: [String]
  /// The media-level `c=` line, which overrides the session's.
  public var connection: SDPConnection?
  /// The `a=rtpmap` lines, by payload type (without their `a=fmtp` parameters).
  public var rtpmaps: [UInt8: PayloadFormat]
  /// The `a=fmtp` lines, by payload type.
  public var fmtps: [UInt8: FormatParameters]
  /// `a=ptime`, in milliseconds.
  public var ptime: Double?
  /// `a=maxptime`, in milliseconds.
  public var maxptime: Double?
  /// `a=rtcp` (RFC 3605).
  public var rtcp: SDPRTCPAttribute?
  /// Whether `a=rtcp-mux` (RFC 5761) was given: RTCP shares the RTP port.
  public var rtcpMux: Bool
  /// The direction: the media-level attribute, else the session-level one, else `sendrecv`.
  public var direction: MediaDirection
  /// The `a=crypto` lines (RFC 4568), in order.
  public var crypto: [SDPCrypto]
  /// The other attributes, in order.
  public var attributes: [SDPAttribute]

  /// A media description with the `m=` line's fields and nothing under it.
  public init(media: String, port: UInt16, portCount: Int = 1, proto: String, formats: [String]) {
    self.media = media
    self.port = port
    self.portCount = portCount
    self.proto = proto
    self.formats = formats
    connection = nil
    rtpmaps = [:]
    fmtps = [:]
    ptime = nil
    maxptime = nil
    rtcp = nil
    rtcpMux = false
    direction = .sendrecv
    crypto = []
    attributes = []
  }

  /// Whether the protocol is RTP (`RTP/AVP`, `RTP/SAVPF`, `UDP/TLS/RTP/SAVP`...), so that the
  /// formats are payload types.
  public var isRTP: Bool { proto.uppercased().split(separator: "/").contains("RTP") }

  /// The formats that are payload types (0 to 127), in the order offered; empty when the
  /// protocol is not RTP.
  public var payloadTypes: [UInt8] {
    guard isRTP else { return [] }
    return formats.compactMap { UInt8($0) }.filter { $0 < 128 }
  }

  /// The payload type mappings RTP sent to this media uses, in the order offered: each payload
  /// type's `a=rtpmap` with its `a=fmtp` parameters, or for a static type without one its
  /// RFC 3551 assignment (with any `a=fmtp`). A dynamic type without `a=rtpmap` is left out
  /// (``unmappedPayloadTypes``).
  public var payloadTypeMappings: [PayloadTypeMapping] {
    payloadTypes.compactMap { payloadType in
      guard let format = rtpmaps[payloadType] ?? PayloadFormat(staticPayloadType: payloadType)
      else { return nil }
      let parameters = fmtps[payloadType] ?? format.parameters
      return PayloadTypeMapping(
        payloadType: payloadType,
        format: PayloadFormat(
          encodingName: format.encodingName, clockRate: format.clockRate,
          channels: format.channels, parameters: parameters))
    }
  }

  /// The payload types offered that neither an `a=rtpmap` nor RFC 3551 names.
  public var unmappedPayloadTypes: [UInt8] {
    payloadTypes.filter { rtpmaps[$0] == nil && PayloadFormat(staticPayloadType: $0) == nil }
  }

  /// The payload type map of this media: ``payloadTypeMappings`` over the static assignments.
  public var payloadTypeMap: PayloadTypeMap {
    var map = PayloadTypeMap()
    map.map(payloadTypeMappings)
    return map
  }

  /// Where the author receives this media's RTP, with `session` the session-level connection:
  /// the media's address (or the session's) and port; `nil` when the port is 0 or the address
  /// is not a literal.
  public func receiveEndpoint(sessionConnection session: SDPConnection?) -> Endpoint? {
    guard port != 0, let address = (connection ?? session)?.ipAddress else { return nil }
    return Endpoint(address: address, port: port)
  }
}
