/// What an ``AudioDecodingWriter`` made of the stream, in frames (samples per channel) at the
/// decoded rate.
public struct DecodingStatistics: Sendable, Hashable {
  /// Audio packets decoded.
  public var decodedPackets = 0
  /// Frames decoded from packets.
  public var decodedFrames: Int64 = 0
  /// Frames the codec's concealment made for lost packets.
  public var concealedFrames: Int64 = 0
  /// Frames of silence or comfort noise filled in: for lost packets without concealment, and
  /// for timestamp gaps with no loss (DTX, silence suppression, CN).
  public var filledFrames: Int64 = 0
  /// Of ``filledFrames``, those that were comfort noise at a CN packet's level.
  public var noiseFrames: Int64 = 0
  /// Frames of a gap not filled because the stream's RTP time ran ahead of its capture time
  /// (``AudioDecodingWriter/fillSlack`` beyond it).
  public var notFilledFrames: Int64 = 0
  /// Timestamp jumps longer than the maximum gap, or backwards: reported, not filled.
  public var discontinuities = 0
  /// Packets of telephone-event (RFC 4733) reports.
  public var eventPackets = 0
  /// Packets of comfort noise (RFC 3389).
  public var comfortNoisePackets = 0
  /// Audio packets whose payload the codec refused, played as lost.
  public var corruptPackets = 0
  /// Audio packets of a payload type whose decoded rate or channels differ from the stream's
  /// first, not played.
  public var otherFormatPackets = 0
  /// Frames of packets that overlapped audio already written (a timestamp that went back a
  /// little), dropped.
  public var overlappedFrames: Int64 = 0

  /// Nothing yet.
  public init() {}
}
