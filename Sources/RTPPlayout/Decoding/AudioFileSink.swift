import RTPAudio
import RTPIO
import SystemPackage

/// A ``DecodedAudioSink`` that writes WAV or raw 16-bit audio to a file descriptor through an
/// ``/RTPAudio/AudioWriter``, resampled to a fixed rate if asked (each channel through its own
/// ``/RTPAudio/Resampler``).
public final class AudioFileSink: DecodedAudioSink {
  /// WAV or raw.
  public let container: AudioContainer
  /// The rate written, if not the decoded rate.
  public let outputRate: Int?
  /// The resampler used for ``outputRate``.
  public let quality: ResamplerQuality
  private let descriptor: FileDescriptor
  private var writer: AudioWriter?
  private var resamplers: [any Resampler] = []
  private var channelInput: [[Int16]] = []
  private var channelOutput: [[Int16]] = []
  private var interleaved: [Int16] = []
  /// Frames written (at the output rate).
  public private(set) var framesWritten: Int64 = 0

  /// A sink writing to `fileDescriptor`, which the caller closes after ``finish()``.
  public init(
    fileDescriptor: FileDescriptor, container: AudioContainer = .wav, outputRate: Int? = nil,
    quality: ResamplerQuality = .high
  ) {
    self.descriptor = fileDescriptor
    self.container = container
    self.outputRate = outputRate
    self.quality = quality
  }

  /// The format written, once started.
  public var format: AudioFormat? { writer?.format }

  public func start(sampleRate: Int, channels: Int) throws(DecodingError) {
    let rate = outputRate ?? sampleRate
    do {
      writer = try AudioWriter(
        fileDescriptor: descriptor, format: AudioFormat(sampleRate: rate, channels: channels),
        container: container)
    } catch {
      throw .audio("\(error)")
    }
    guard rate != sampleRate else { return }
    do {
      for _ in 0..<channels {
        resamplers.append(
          try makeResampler(quality: quality, inputRate: sampleRate, outputRate: rate))
      }
    } catch {
      throw .audio("cannot resample \(sampleRate) Hz to \(rate) Hz: \(error)")
    }
    channelInput = Array(repeating: [], count: channels)
    channelOutput = Array(repeating: [], count: channels)
  }

  public func write(_ samples: UnsafeBufferPointer<Int16>) throws(DecodingError) {
    guard let writer else { return }
    if resamplers.isEmpty {
      try put(samples, writer)
      return
    }
    let channels = resamplers.count
    let frames = samples.count / channels
    for channel in 0..<channels {
      channelInput[channel].removeAll(keepingCapacity: true)
      for frame in 0..<frames { channelInput[channel].append(samples[frame * channels + channel]) }
    }
    try resample { resampler, channel, emit in
      try self.channelInput[channel].withUnsafeBufferPointer { try resampler.process($0, emit) }
    }
  }

  public func finish() throws(DecodingError) {
    guard let writer else { return }
    if !resamplers.isEmpty {
      try resample { resampler, _, emit in try resampler.finish(emit) }
    }
    do {
      try writer.finish()
    } catch {
      throw .output(error)
    }
  }

  /// Runs `step` on each channel's resampler, then interleaves what they all produced.
  private func resample(
    _ step: (any Resampler, Int, (UnsafeBufferPointer<Int16>) throws -> Void) throws -> Void
  ) throws(DecodingError) {
    guard let writer else { return }
    let channels = resamplers.count
    do {
      for channel in 0..<channels {
        channelOutput[channel].removeAll(keepingCapacity: true)
        try step(resamplers[channel], channel) { block in
          self.channelOutput[channel].append(contentsOf: block)
        }
      }
    } catch let error as IOError {
      throw .output(error)
    } catch {
      throw .audio("resampling failed: \(error)")
    }
    let frames = channelOutput.map(\.count).min() ?? 0
    interleaved.removeAll(keepingCapacity: true)
    for frame in 0..<frames {
      for channel in 0..<channels { interleaved.append(channelOutput[channel][frame]) }
    }
    try interleaved.withUnsafeBufferPointer { samples throws(DecodingError) in
      try put(samples, writer)
    }
  }

  private func put(_ samples: UnsafeBufferPointer<Int16>, _ writer: AudioWriter)
    throws(DecodingError)
  {
    do {
      try writer.write(samples: samples)
    } catch {
      throw .output(error)
    }
    framesWritten += Int64(samples.count / max(writer.format.channels, 1))
  }
}
