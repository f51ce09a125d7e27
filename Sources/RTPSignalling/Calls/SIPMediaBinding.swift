import RTPCaptures
import RTPCodecs

/// What one media description of one SDP says about RTP sent to one address and port: the
/// payload types it carries from the time of that SDP on.
///
/// The address and port of an SDP's `c=` and `m=` lines are where that SDP's author receives,
/// so the binding is for RTP going *to* ``destination``, sent by the other party.
public struct SIPMediaBinding: Sendable, Hashable {
  /// The Call-ID of the call whose SDP this is.
  public var callID: String
  /// Where the RTP goes: the SDP author's address and the media's port.
  public var destination: Endpoint
  /// Where RTCP for it goes: `a=rtcp`, the RTP endpoint with `a=rtcp-mux`, else the port plus one.
  public var rtcpDestination: Endpoint
  /// The media type, `audio` or `video`.
  public var media: String
  /// The payload types and formats declared, in the order offered.
  public var mappings: [PayloadTypeMapping]
  /// The payload type map for the RTP: ``mappings`` over the static assignments.
  public var payloadTypeMap: PayloadTypeMap
  /// The direction the SDP's author gave this media.
  public var direction: MediaDirection
  /// The SDES keys the SDP's author gave (with which the author sends; RFC 4568).
  public var crypto: [SDPCrypto]
  /// Capture time of the message carrying the SDP, from which the binding applies.
  public var since: Int64
  /// Whether the SDP came in a request (an offer in an INVITE, an answer in an ACK) rather than
  /// in a response.
  public var inRequest: Bool
  /// Where the message carrying the SDP came from.
  public var author: Endpoint

  /// A binding with the given fields.
  public init(
    callID: String, destination: Endpoint, rtcpDestination: Endpoint, media: String,
    mappings: [PayloadTypeMapping], direction: MediaDirection, crypto: [SDPCrypto],
    since: Int64, inRequest: Bool, author: Endpoint
  ) {
    self.callID = callID
    self.destination = destination
    self.rtcpDestination = rtcpDestination
    self.media = media
    self.mappings = mappings
    var map = PayloadTypeMap()
    map.map(mappings)
    payloadTypeMap = map
    self.direction = direction
    self.crypto = crypto
    self.since = since
    self.inRequest = inRequest
    self.author = author
  }
}
