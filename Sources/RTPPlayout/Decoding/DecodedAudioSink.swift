import RTPIO

/// Where an ``AudioDecodingWriter`` puts the audio it decodes: started once the first audio
/// packet says what the stream's rate and channels are, then fed interleaved 16-bit samples.
public protocol DecodedAudioSink: AnyObject {
  /// Called once, before the first samples, with the decoded audio's rate and channel count.
  func start(sampleRate: Int, channels: Int) throws(DecodingError)
  /// Takes interleaved samples, whole frames.
  func write(_ samples: UnsafeBufferPointer<Int16>) throws(DecodingError)
  /// Writes whatever is buffered; called once at the end, also when nothing was started.
  func finish() throws(DecodingError)
}
