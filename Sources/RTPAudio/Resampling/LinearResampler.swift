/// librtpsynth's linear-interpolation resampler, made stateful.
///
/// Output sample `j` lies at input position `j × inputRate / outputRate`; it interpolates the
/// two input samples around that position and rounds half to even, and past the last
/// input sample it holds that sample. A stream of `n` samples gives `n × outputRate / inputRate`
/// samples, rounded half to even (at least one). Fed as one chunk this equals librtpsynth's
/// `resample_linear` exactly; fed in chunks it gives the same samples, where librtpsynth repeats
/// a sample at every chunk edge and drifts.
public final class LinearResampler: Resampler {
  public let inputRate: Int
  public let outputRate: Int
  private let ratio: Double
  private var consumed: Int64 = 0
  private var produced: Int64 = 0
  private var last: Int16 = 0
  private let block: UnsafeMutableBufferPointer<Int16>
  /// The last input samples seen, for outputs whose neighbours straddle a chunk edge: the
  /// output count may hold an output back by up to half the rate ratio, so it can need samples
  /// from before the chunk that completes it.
  private let history: UnsafeMutableBufferPointer<Int16>

  /// The largest rate accepted, far above any audio rate.
  public static let maximumRate = 10_000_000

  /// Creates a resampler from `inputRate` to `outputRate` (Hz, each 1 to ``maximumRate``);
  /// other rates are ``ResamplerError``.
  public init(inputRate: Int, outputRate: Int) throws(ResamplerError) {
    guard inputRate > 0, inputRate <= Self.maximumRate else { throw .invalidRate(inputRate) }
    guard outputRate > 0, outputRate <= Self.maximumRate else { throw .invalidRate(outputRate) }
    self.inputRate = inputRate
    self.outputRate = outputRate
    ratio = Double(inputRate) / Double(outputRate)
    block = .allocate(capacity: 4096)
    history = .allocate(capacity: Int(ratio) + 3)
    history.initialize(repeating: 0)
  }

  deinit {
    block.deallocate()
    history.deallocate()
  }

  /// Resamples a whole signal at once.
  public static func resample(_ samples: [Int16], from inputRate: Int, to outputRate: Int)
    throws(ResamplerError) -> [Int16]
  {
    let resampler = try LinearResampler(inputRate: inputRate, outputRate: outputRate)
    var output: [Int16] = []
    samples.withUnsafeBufferPointer { input in
      resampler.run(input) { output.append(contentsOf: $0) }
      resampler.runFinish { output.append(contentsOf: $0) }
    }
    return output
  }

  /// Outputs owed for a stream of `count` input samples.
  private func outputCount(forInput count: Int64) -> Int64 {
    guard count > 0 else { return 0 }
    return max(1, Int64(Self.roundHalfEven(Double(count) * Double(outputRate) / Double(inputRate))))
  }

  /// Rounds to the nearest integer, ties to even, without SSE4.1's `roundsd`: adding and
  /// subtracting 1.5 × 2⁵² leaves the default rounding mode to do it.
  /// Exact for |value| < 2⁵¹: the sum lands where doubles are whole numbers, so the addition
  /// itself rounds, ties to even as the default mode does.
  @inline(__always)
  private static func roundHalfEven(_ value: Double) -> Double {
    let magic = 6_755_399_441_055_744.0
    return (value + magic) - magic
  }

  /// Rounds an interpolated sample half to even. The sample is a convex combination of two
  /// Int16 samples and rounding keeps it between them, so the low 16 bits of its sum with
  /// 1.5 × 2⁵² (see ``roundHalfEven(_:)``) are the rounded sample: no conversion to check and
  /// nothing to clamp.
  @inline(__always)
  private static func round(_ value: Double) -> Int16 {
    Int16(truncatingIfNeeded: (value + 6_755_399_441_055_744.0).bitPattern)
  }

  public func process(
    _ input: UnsafeBufferPointer<Int16>, _ emit: (UnsafeBufferPointer<Int16>) throws -> Void
  ) throws {
    try run(input, emit)
  }

  public func finish(_ emit: (UnsafeBufferPointer<Int16>) throws -> Void) throws {
    try runFinish(emit)
  }

  private func run<E: Error>(
    _ input: UnsafeBufferPointer<Int16>, _ emit: (UnsafeBufferPointer<Int16>) throws(E) -> Void
  ) throws(E) {
    guard let base = input.baseAddress, !input.isEmpty else { return }
    let chunkStart = consumed
    let available = consumed + Int64(input.count)
    // Never write an output the finished stream would not have: the count owed grows with the
    // input, so what is owed for the input seen so far is always owed.
    let limit = outputCount(forInput: available)
    var j = produced
    var filled = 0
    let out = block.baseAddress!
    let kept = Int64(history.count)
    // Outputs whose left neighbour lies before this chunk read the history: the first few at
    // most.
    while j < limit {
      let position = Double(j) * ratio
      let index = Int64(position)
      if index >= chunkStart || index + 1 >= available { break }
      let fraction = position - Double(index)
      let offset = Int(index - chunkStart)
      let s0 = Double(history[Int(kept) + offset])
      let s1 = offset + 1 >= 0 ? Double(base[offset + 1]) : Double(history[Int(kept) + offset + 1])
      out[filled] = Self.round(s0 + (s1 - s0) * fraction)
      filled += 1
      j += 1
      if filled == block.count {
        try emit(UnsafeBufferPointer(start: out, count: filled))
        filled = 0
      }
    }
    // The rest read this chunk only: runs that fill the block without the history's branch or
    // a check for a full block at every output.
    while j < limit {
      let stop = j + min(limit - j, Int64(block.count - filled))
      var complete = true
      while j < stop {
        let position = Double(j) * ratio
        let index = Int64(position)
        if index + 1 >= available {
          complete = false
          break
        }
        let offset = Int(index - chunkStart)
        let fraction = position - Double(index)
        let s0 = Double(base[offset])
        let s1 = Double(base[offset + 1])
        out[filled] = Self.round(s0 + (s1 - s0) * fraction)
        filled += 1
        j += 1
      }
      if filled == block.count {
        try emit(UnsafeBufferPointer(start: out, count: filled))
        filled = 0
      }
      if !complete { break }
    }
    remember(input)
    last = base[input.count - 1]
    consumed = available
    produced = j
    if filled > 0 { try emit(UnsafeBufferPointer(start: out, count: filled)) }
  }

  /// Keeps the last samples of the stream so far in `history`.
  private func remember(_ input: UnsafeBufferPointer<Int16>) {
    let keep = history.count
    if input.count >= keep {
      for index in 0..<keep { history[index] = input[input.count - keep + index] }
    } else {
      let shift = input.count
      for index in 0..<(keep - shift) { history[index] = history[index + shift] }
      for index in 0..<shift { history[keep - shift + index] = input[index] }
    }
  }

  private func runFinish<E: Error>(_ emit: (UnsafeBufferPointer<Int16>) throws(E) -> Void)
    throws(E)
  {
    // What is left lies at or past the last input sample, which it holds.
    let total = outputCount(forInput: consumed)
    var filled = 0
    while produced < total {
      block[filled] = last
      filled += 1
      produced += 1
      if filled == block.count {
        try emit(UnsafeBufferPointer(start: block.baseAddress, count: filled))
        filled = 0
      }
    }
    if filled > 0 { try emit(UnsafeBufferPointer(start: block.baseAddress, count: filled)) }
  }
}
