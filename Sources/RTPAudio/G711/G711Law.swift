/// Which G.711 companding law.
public enum G711Law: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
  /// µ-law, used in North America and Japan (PCMU, RTP payload type 0).
  case ulaw = "u"
  /// A-law, used elsewhere (PCMA, RTP payload type 8).
  case alaw = "a"

  public var description: String { self == .ulaw ? "µ-law" : "A-law" }

  /// The octet that decodes to digital silence.
  public var silence: UInt8 { self == .ulaw ? 0xFF : 0xD5 }
}
