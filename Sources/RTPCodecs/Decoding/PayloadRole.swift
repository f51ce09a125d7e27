/// What a payload format carries, for a tool that turns a stream into audio: decodable audio,
/// RFC 4733 events (never audio), RFC 3389 comfort noise (fills the silence after it), or video
/// (skipped by audio tools).
public enum PayloadRole: Sendable, Hashable {
  /// Audio with a decoder here (``CodecRegistry/makeDecoder(for:)``).
  case audio
  /// `telephone-event` (RFC 4733): DTMF digits and other events.
  case telephoneEvent
  /// `CN` (RFC 3389): the level of the comfort noise to play until the next audio.
  case comfortNoise
  /// A video encoding (H.261, H.263, H.264, H.265, VP8, VP9, AV1, JPEG, MPEG video).
  case video
}
