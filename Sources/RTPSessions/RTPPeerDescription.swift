/// What a session knows about its peer from RTCP source descriptions (SDES).
public struct RTPPeerDescription: Sendable, Hashable {
  /// The peer's SSRC.
  public var ssrc: UInt32
  /// Its canonical name, `user@host`, if it sent one.
  public var cname: String?
  /// The tool it runs, if it said.
  public var tool: String?

  /// What a peer of `ssrc` said of itself: its CNAME and TOOL, if it sent them.
  public init(ssrc: UInt32, cname: String? = nil, tool: String? = nil) {
    self.ssrc = ssrc
    self.cname = cname
    self.tool = tool
  }
}
