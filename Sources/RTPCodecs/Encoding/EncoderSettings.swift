/// What a user may choose about an encoder beyond its payload format: the bit rate, and
/// discontinuous transmission. A codec ignores what it has no notion of (G.711 has neither).
public struct EncoderSettings: Sendable, Hashable {
  /// The bit rate in bits per second, for codecs that have several (Opus, AMR's modes, Speex,
  /// G.726's 16 to 40 kbit/s); `nil` for the codec's default.
  public var bitrate: Int?
  /// Discontinuous transmission where the codec has it (G.729 Annex B, AMR, Opus, Speex): in
  /// silence, send comfort-noise frames or nothing instead of speech frames.
  public var discontinuousTransmission: Bool

  /// Settings; by default the codec's own bit rate and no DTX.
  public init(bitrate: Int? = nil, discontinuousTransmission: Bool = false) {
    self.bitrate = bitrate
    self.discontinuousTransmission = discontinuousTransmission
  }
}
