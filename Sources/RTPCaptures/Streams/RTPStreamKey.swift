/// What tells one RTP stream of a capture from another: the SSRC and the UDP endpoints it was
/// sent between, as `tshark -z rtp,streams` and rtpstat list them.
///
/// The same SSRC seen between other endpoints (a sender that changed its port, or both legs of a
/// relayed call) is another stream here; select by SSRC alone to take them together.
public struct RTPStreamKey: Hashable, Sendable {
  /// The stream's synchronisation source.
  public var ssrc: UInt32
  /// Where the stream's packets came from.
  public var source: Endpoint
  /// Where the stream's packets went.
  public var destination: Endpoint

  /// The stream of `ssrc` sent from `source` to `destination`.
  public init(ssrc: UInt32, source: Endpoint, destination: Endpoint) {
    self.ssrc = ssrc
    self.source = source
    self.destination = destination
  }

  /// Whether a packet with `ssrc` from `source` to `destination` belongs to this stream.
  @inlinable @inline(__always)
  public func matches(ssrc: UInt32, source: Endpoint, destination: Endpoint) -> Bool {
    self.ssrc == ssrc && self.source == source && self.destination == destination
  }
}
