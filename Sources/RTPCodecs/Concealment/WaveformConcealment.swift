/// ``WaveformConcealer``s for each channel of interleaved audio: what a waveform decoder keeps to
/// conceal its losses.
struct WaveformConcealment {
  private var channels: [WaveformConcealer]

  init(sampleRate: Int, channels count: Int) {
    channels = Array(repeating: WaveformConcealer(sampleRate: sampleRate), count: max(count, 1))
  }

  /// Takes `frames` decoded frames at the start of `samples`, blending their start after a loss.
  mutating func received(_ samples: UnsafeMutableBufferPointer<Int16>, frames: Int) {
    let stride = channels.count
    for channel in channels.indices {
      channels[channel].received(samples, offset: channel, stride: stride, count: frames)
    }
  }

  /// Writes `frames` concealed frames at the start of `output`.
  mutating func conceal(frames: Int, into output: UnsafeMutableBufferPointer<Int16>) {
    let stride = channels.count
    for channel in channels.indices {
      channels[channel].conceal(into: output, offset: channel, stride: stride, count: frames)
    }
  }

  mutating func reset() {
    for channel in channels.indices { channels[channel].reset() }
  }
}
