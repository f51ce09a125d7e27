import RTPCaptures

/// Where a ``PlayoutPipeline`` writes the stream it plays out.
public enum PlayoutOutput {
  /// Ready packets, in play-out order, as a capture: each with its capture time and original
  /// endpoints. Erasures and drops leave no trace.
  case capture(CaptureWriter)
  /// The payload bytes of ready packets, with silence for erasures.
  case payload(PayloadWriter)
  /// Every event as a line of JSON.
  case events(PlayoutEventWriter)
  /// The stream decoded to audio on its RTP timeline.
  case audio(AudioDecodingWriter)
}
