import RTPCaptures
import RTPIO

/// Why a ``PlayoutPipeline`` stopped early.
public enum PlayoutError: Error, Sendable, Equatable {
  /// The capture is damaged (or could not be read) here; everything before the damage was played
  /// out and written, the jitter buffer flushed, and the output finished.
  case input(CaptureError)
  /// Writing the output failed; the output is incomplete.
  case output(IOError)
  /// The stream cannot be decoded to audio (``AudioDecodingWriter``): what was decoded before
  /// is written and the output finished.
  case decoding(DecodingError)
}
