import RTPAudio

/// Where an encoded stream's audio comes from.
public enum GeneratedAudio {
  /// Digital silence.
  case silence
  /// A sine tone of this many Hz at half of full scale.
  case tone(frequency: Double)
  /// Audio read to its end (a WAV, any file libsndfile reads, raw samples), mixed down to mono
  /// and resampled to the encoder's rate when it has another.
  case reader(AudioReader)
}
