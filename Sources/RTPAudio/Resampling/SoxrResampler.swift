import CSoxr

/// A band-limited resampler through libsoxr, the library sox and ffmpeg use.
public final class SoxrResampler: Resampler {
  /// The most times libsoxr is asked to up-sample. Past about 2^19 it computes without end and
  /// gives nothing (libsoxr 0.1.3, every quality); 2^16 leaves a wide margin and covers any real
  /// use (1 Hz to 65.5 kHz; 8 kHz to 192 kHz is 24 times). ``LinearResampler`` has no such limit.
  public static let maximumUpsamplingRatio = 65536

  public let inputRate: Int
  public let outputRate: Int
  /// The libsoxr quality recipe the conversion uses.
  public let quality: ResamplerQuality
  private let handle: soxr_t
  private let block: UnsafeMutableBufferPointer<Int16>

  /// Creates a resampler of `quality` (any but `.linear`).
  public init(inputRate: Int, outputRate: Int, quality: ResamplerQuality = .high)
    throws(ResamplerError)
  {
    guard inputRate > 0, inputRate <= LinearResampler.maximumRate else {
      throw .invalidRate(inputRate)
    }
    guard outputRate > 0, outputRate <= LinearResampler.maximumRate else {
      throw .invalidRate(outputRate)
    }
    guard Int64(outputRate) <= Int64(inputRate) * Int64(Self.maximumUpsamplingRatio) else {
      throw .ratioTooLarge(
        inputRate: inputRate, outputRate: outputRate, maximum: Self.maximumUpsamplingRatio)
    }
    let recipe: UInt
    switch quality {
    case .linear, .low: recipe = UInt(rtpsynth_soxr_low)
    case .medium: recipe = UInt(rtpsynth_soxr_medium)
    case .high: recipe = UInt(rtpsynth_soxr_high)
    case .veryHigh: recipe = UInt(rtpsynth_soxr_very_high)
    }
    var io = soxr_io_spec(SOXR_INT16_I, SOXR_INT16_I)
    // soxr dithers 16-bit output by default, with noise that depends on how the input was cut
    // into chunks: without it, a stream fed in pieces gives the samples it gives fed whole.
    io.flags |= UInt(SOXR_NO_DITHER)
    var spec = soxr_quality_spec(recipe, 0)
    var error: soxr_error_t? = nil
    guard
      let handle = soxr_create(Double(inputRate), Double(outputRate), 1, &error, &io, &spec, nil),
      error == nil
    else {
      throw .soxr(error.map { String(cString: $0) } ?? "cannot create a resampler")
    }
    self.inputRate = inputRate
    self.outputRate = outputRate
    self.quality = quality
    self.handle = handle
    block = .allocate(capacity: 8192)
  }

  deinit {
    soxr_delete(handle)
    block.deallocate()
  }

  public func process(
    _ input: UnsafeBufferPointer<Int16>, _ emit: (UnsafeBufferPointer<Int16>) throws -> Void
  ) throws {
    guard let base = input.baseAddress, !input.isEmpty else { return }
    var offset = 0
    while offset < input.count {
      var consumed = 0
      var produced = 0
      let error = soxr_process(
        handle, base + offset, input.count - offset, &consumed, block.baseAddress, block.count,
        &produced)
      if let error { throw ResamplerError.soxr(String(cString: error)) }
      offset += consumed
      if produced > 0 { try emit(UnsafeBufferPointer(start: block.baseAddress, count: produced)) }
      if consumed == 0 && produced == 0 { break }
    }
  }

  public func finish(_ emit: (UnsafeBufferPointer<Int16>) throws -> Void) throws {
    while true {
      var produced = 0
      let error = soxr_process(handle, nil, 0, nil, block.baseAddress, block.count, &produced)
      if let error { throw ResamplerError.soxr(String(cString: error)) }
      if produced == 0 { return }
      try emit(UnsafeBufferPointer(start: block.baseAddress, count: produced))
    }
  }
}
