import RTPBase
import RTPIO

/// Resamples one mono signal from an ``AudioReader`` to an ``AudioWriter`` through a
/// ``Resampler``: what `rtpresample` runs.
///
/// Input is read in chunks and each chunk's output written as the resampler hands it out, so a
/// pipe is resampled as it arrives and memory stays flat; the result does not depend on how the
/// input arrives, since the resamplers keep their state across chunks.
public final class AudioResamplingFilter {
  /// Converts from the reader's rate to the writer's.
  public let resampler: any Resampler
  /// Which channel of a multichannel input is kept, or their mix.
  public let channels: ChannelSelection
  private let samples: UnsafeMutableBufferPointer<Int16>

  /// Creates a filter resampling `channels` of its input with `resampler`, reading up to
  /// `chunkFrames` frames at a time.
  ///
  /// - Precondition: `chunkFrames` is positive.
  public init(
    resampler: any Resampler, channels: ChannelSelection = .mix, chunkFrames: Int = 1 << 16
  ) {
    precondition(chunkFrames > 0, "chunkFrames must be positive")
    self.resampler = resampler
    self.channels = channels
    samples = .allocate(capacity: chunkFrames)
  }

  deinit {
    samples.deallocate()
  }

  /// Reads `reader` to its end, resamples every sample to `writer` (which should be mono at the
  /// resampler's output rate), flushes the resampler and finishes the writer. Returns the number
  /// of input frames read.
  ///
  /// Where the input is damaged, every whole frame before the damage is resampled, the
  /// resampler flushed and the writer finished before ``AudioFilterError/input(_:)`` is thrown;
  /// a failed write is thrown as ``AudioFilterError/output(_:)`` at once, and an error of the
  /// resampler's as ``AudioFilterError/resampler(_:)`` (a ``ResamplerError``) or
  /// ``AudioFilterError/resamplerThrew(_:)`` (any other). `progress`, if given, is called with
  /// the input frames read so far after each chunk.
  @discardableResult
  public func run(
    from reader: AudioReader, to writer: AudioWriter, progress: ProgressHandler? = nil
  ) throws(AudioFilterError) -> UInt64 {
    var frames: UInt64 = 0
    var failure: AudioError? = nil
    // What the writer threw, kept apart so that it is reported as the output's failure however
    // the resampler passes it on.
    var writeFailure: IOError? = nil
    let write: (UnsafeBufferPointer<Int16>) throws -> Void = { samples in
      do throws(IOError) {
        try writer.write(samples: samples)
      } catch {
        writeFailure = error
        throw error
      }
    }
    do {
      while true {
        let count: Int
        do throws(AudioError) {
          count = try reader.readSamples(into: samples, channels: channels)
        } catch {
          failure = error
          break
        }
        if count == 0 { break }
        try resampler.process(UnsafeBufferPointer(rebasing: samples[0..<count]), write)
        frames += UInt64(count)
        progress?(frames)
      }
      try resampler.finish(write)
      do throws(IOError) {
        try writer.finish()
      } catch {
        writeFailure = error
      }
      if let writeFailure { throw writeFailure }
    } catch {
      if let writeFailure { throw .output(writeFailure) }
      if let error = error as? ResamplerError { throw .resampler(error) }
      // An embedder's resampler, failing in its own terms.
      throw .resamplerThrew(error)
    }
    if let failure { throw .input(failure) }
    return frames
  }
}
