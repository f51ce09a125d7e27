/// What a stream of audio samples is: its rate, its channel count and how each sample is stored.
public struct AudioFormat: Sendable, Hashable, CustomStringConvertible {
  /// Sample frames per second, in Hz.
  public var sampleRate: Int
  /// Channels per frame, interleaved.
  public var channels: Int
  /// How one sample of one channel is stored.
  public var encoding: AudioEncoding

  /// The highest sample rate accepted, in Hz; a header claiming more is damaged, not audio.
  public static let maximumSampleRate = 1_000_000
  /// The most channels accepted; a header claiming more is damaged, and a frame of them would
  /// not fit the reader's buffers.
  public static let maximumChannels = 1024

  /// Describes samples at `sampleRate` Hz, `channels` interleaved, stored as `encoding`.
  public init(sampleRate: Int, channels: Int = 1, encoding: AudioEncoding = .pcm16) {
    self.sampleRate = sampleRate
    self.channels = channels
    self.encoding = encoding
  }

  /// Bytes one frame (one sample of every channel) takes.
  public var bytesPerFrame: Int { channels * encoding.bytesPerSample }

  /// Why this format cannot be read or written (rate or channels out of range), or `nil`.
  public var problem: String? {
    if sampleRate <= 0 { return "sample rate \(sampleRate) Hz is not positive" }
    if sampleRate > Self.maximumSampleRate {
      return "sample rate \(sampleRate) Hz exceeds \(Self.maximumSampleRate) Hz"
    }
    if channels <= 0 { return "\(channels) channels" }
    if channels > Self.maximumChannels {
      return "\(channels) channels exceeds the limit of \(Self.maximumChannels)"
    }
    return nil
  }

  /// `8000 Hz, 1 channel, ulaw`.
  public var description: String {
    "\(sampleRate) Hz, \(channels) channel\(channels == 1 ? "" : "s"), \(encoding)"
  }
}
