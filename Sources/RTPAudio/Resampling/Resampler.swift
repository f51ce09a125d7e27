/// Converts 16-bit mono samples from one rate to another, a chunk at a time, keeping what it
/// needs between chunks so that a stream fed in pieces gives exactly the samples it gives fed
/// whole.
///
/// Output is handed to a closure in blocks from the resampler's own buffer, valid during the
/// call; nothing is allocated per chunk.
public protocol Resampler: AnyObject {
  /// Input samples per second.
  var inputRate: Int { get }
  /// Output samples per second.
  var outputRate: Int { get }

  /// Resamples `input` and passes the samples now ready to `emit`, in order.
  func process(
    _ input: UnsafeBufferPointer<Int16>, _ emit: (UnsafeBufferPointer<Int16>) throws -> Void
  ) throws

  /// Passes the samples still owed at the end of the stream to `emit`.
  func finish(_ emit: (UnsafeBufferPointer<Int16>) throws -> Void) throws
}

/// Creates the resampler for `quality`: linear interpolation, or libsoxr's band-limited ones.
public func makeResampler(quality: ResamplerQuality, inputRate: Int, outputRate: Int)
  throws(ResamplerError) -> any Resampler
{
  switch quality {
  case .linear:
    return try LinearResampler(inputRate: inputRate, outputRate: outputRate)
  case .low, .medium, .high, .veryHigh:
    return try SoxrResampler(inputRate: inputRate, outputRate: outputRate, quality: quality)
  }
}
