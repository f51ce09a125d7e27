/// Packet-loss concealment for waveform codecs (G.711, L16, DVI4) in the manner of ITU-T G.711
/// Appendix I: the lost audio is the last pitch period repeated, from one period at the start of
/// the loss to two after 10 ms and three after 20 ms, attenuated by 20 % per 10 ms after the
/// first 10 ms and silent after 60 ms; the first good audio after a loss is overlap-added with
/// the continued waveform so that the join does not click.
///
/// Unlike Appendix I this adds no output delay: the samples before a loss are written as they
/// were decoded (so that a stream without loss decodes sample-exact), and the seam between the
/// last good sample and the repeated period is smoothed inside the repeated period instead.
///
/// One instance conceals one channel; its buffers are sized once for the sample rate.
struct WaveformConcealer {
  /// Pitch search range and history, scaled from Appendix I's 8 kHz values (40 to 120 samples,
  /// 390 of history, 160 correlated).
  private let pitchMinimum: Int
  private let pitchMaximum: Int
  private let correlationLength: Int
  private let historyLength: Int
  /// Samples per 10 ms.
  private let tenMilliseconds: Int

  /// The last `historyLength` samples decoded, oldest first.
  private var history: [Float]
  /// How many of `history` are real (a stream's first packets fill it).
  private var filled = 0

  // The loss being concealed.
  private var erased = 0
  private var pitch = 0
  private var periods = 1
  private var segment: [Float] = []
  private var phase = 0

  init(sampleRate: Int) {
    let scale = Double(max(sampleRate, 1)) / 8000
    pitchMinimum = max(2, Int((40 * scale).rounded()))
    pitchMaximum = max(pitchMinimum + 1, Int((120 * scale).rounded()))
    correlationLength = max(4, Int((160 * scale).rounded()))
    historyLength = 3 * pitchMaximum + pitchMaximum / 4 + correlationLength
    tenMilliseconds = max(1, sampleRate / 100)
    history = Array(repeating: 0, count: historyLength)
  }

  /// Whether a loss is being concealed (audio after it will be overlap-added).
  var isConcealing: Bool { erased > 0 }

  /// Forgets everything, for a new stream.
  mutating func reset() {
    for index in history.indices { history[index] = 0 }
    filled = 0
    erased = 0
  }

  /// Takes decoded samples of this channel (every `stride`th of `samples`, `count` of them):
  /// after a loss, their start is blended with the concealment's continuation first.
  mutating func received(
    _ samples: UnsafeMutableBufferPointer<Int16>, offset: Int, stride: Int, count: Int
  ) {
    if erased > 0 {
      // Overlap-add: a quarter period, plus 4 ms for each 10 ms lost after the first, at most
      // 10 ms, and never past the packet.
      let extra = (erased / tenMilliseconds - 1).clamped(to: 0...10) * (tenMilliseconds * 4 / 10)
      let overlap = min(pitch / 4 + extra, tenMilliseconds, count)
      if overlap > 0 && gain(at: erased) > 0 {
        for index in 0..<overlap {
          let weight = Float(index + 1) / Float(overlap + 1)
          let synthetic = nextSynthetic() * gain(at: erased + index)
          let position = offset + index * stride
          let real = Float(samples[position])
          samples[position] = Self.saturate(synthetic * (1 - weight) + real * weight)
        }
      }
      erased = 0
    }
    append(samples, offset: offset, stride: stride, count: count)
  }

  /// Writes `count` concealed samples of this channel, every `stride`th from `offset`.
  mutating func conceal(
    into output: UnsafeMutableBufferPointer<Int16>, offset: Int, stride: Int, count: Int
  ) {
    if erased == 0 { startLoss() }
    for index in 0..<count {
      if erased == tenMilliseconds && periods == 1 { widen(to: 2) }
      if erased == 2 * tenMilliseconds && periods == 2 { widen(to: 3) }
      let value = pitch > 0 ? nextSynthetic() * gain(at: erased) : 0
      output[offset + index * stride] = Self.saturate(value)
      erased += 1
    }
    // History keeps the real waveform through a loss, so that widening the segment repeats
    // real periods.
  }

  /// The gain `position` samples into a loss: 1 for 10 ms, then 20 % less per 10 ms, 0 from
  /// 60 ms.
  private func gain(at position: Int) -> Float {
    guard position >= tenMilliseconds else { return 1 }
    let drop = Float(position - tenMilliseconds) / Float(tenMilliseconds) * 0.2
    return max(0, 1 - drop)
  }

  private mutating func startLoss() {
    guard filled >= pitchMaximum * 2 + correlationLength / 2 else {
      pitch = 0
      return
    }
    pitch = findPitch()
    periods = 1
    segment = makeSegment(periods: 1)
    phase = 0
  }

  /// The lag in the pitch range whose waveform best matches the last `correlationLength`
  /// samples (normalised cross-correlation).
  private func findPitch() -> Int {
    let end = historyLength
    let length = min(correlationLength, filled - pitchMaximum)
    var best = pitchMinimum
    var bestScore = -Float.infinity
    history.withUnsafeBufferPointer { h in
      let target = end - length
      for lag in pitchMinimum...pitchMaximum {
        var cross: Float = 0
        var energy: Float = 1e-3
        for index in 0..<length {
          let earlier = h[target - lag + index]
          cross += h[target + index] * earlier
          energy += earlier * earlier
        }
        let score = cross / energy.squareRoot()
        if score > bestScore {
          bestScore = score
          best = lag
        }
      }
    }
    return best
  }

  /// The last `periods` pitch periods of history, their last quarter period blended towards
  /// the samples one period earlier so that repeating the segment has no seam.
  private func makeSegment(periods: Int) -> [Float] {
    let length = pitch * periods
    let start = historyLength - length
    var result = Array(history[start..<historyLength])
    let quarter = pitch / 4
    if quarter > 0 {
      for index in 0..<quarter {
        let position = length - quarter + index
        let weight = Float(index + 1) / Float(quarter + 1)
        let earlier = history[start + position - pitch]
        result[position] = result[position] * (1 - weight) + earlier * weight
      }
    }
    return result
  }

  /// Changes to a segment of `count` periods, keeping the phase within the current period.
  private mutating func widen(to count: Int) {
    guard pitch > 0, historyLength >= pitch * count else { return }
    let within = phase % pitch
    periods = count
    segment = makeSegment(periods: count)
    phase = segment.count - pitch + within
  }

  private mutating func nextSynthetic() -> Float {
    guard !segment.isEmpty else { return 0 }
    let value = segment[phase]
    phase += 1
    if phase == segment.count { phase = 0 }
    return value
  }

  private mutating func append(
    _ samples: UnsafeMutableBufferPointer<Int16>, offset: Int, stride: Int, count: Int
  ) {
    let kept = min(count, historyLength)
    let skipped = count - kept
    shiftHistory(by: kept)
    // One exclusive access for the whole packet: no uniqueness or bounds check per sample.
    let length = historyLength
    history.withUnsafeMutableBufferPointer { h in
      guard let base = h.baseAddress, let source = samples.baseAddress else { return }
      let target = base + (length - kept)
      var from = source + offset + skipped * stride
      if stride == 1 {
        // Mono: contiguous, which the compiler vectorises.
        for index in 0..<kept { target[index] = Float(from[index]) }
        return
      }
      for index in 0..<kept {
        target[index] = Float(from.pointee)
        from += stride
      }
    }
    filled = min(historyLength, filled + count)
  }

  private mutating func shiftHistory(by count: Int) {
    guard count > 0 else { return }
    if count < historyLength {
      history.withUnsafeMutableBufferPointer { h in
        let base = h.baseAddress!
        base.update(from: base + count, count: historyLength - count)
      }
    }
  }

  private static func saturate(_ value: Float) -> Int16 {
    Int16(max(-32768, min(32767, value.rounded())))
  }
}

extension Comparable {
  fileprivate func clamped(to range: ClosedRange<Self>) -> Self {
    min(max(self, range.lowerBound), range.upperBound)
  }
}
