import RTPAudio
import RTPIO
import SystemPackage

/// A ``DecodedAudioSink`` that writes WAV or raw 16-bit audio to a file descriptor through an
/// ``/RTPAudio/AudioWriter``, or any ``/RTPAudio/SoundFileFormat`` through a
/// ``/RTPAudio/SoundFileWriter``, resampled to a fixed rate if asked (each channel through its
/// own ``/RTPAudio/Resampler``).
public final class AudioFileSink: DecodedAudioSink {
  /// WAV or raw, when ``fileFormat`` is `nil`.
  public let container: AudioContainer
  /// The libsndfile format written instead of ``container``, if any.
  public let fileFormat: SoundFileFormat?
  /// The rate written, if not the decoded rate.
  public let outputRate: Int?
  /// The resampler used for ``outputRate``.
  public let quality: ResamplerQuality
  private let descriptor: FileDescriptor
  // Stored state below is exempt from run-time exclusivity checks: only this type's own
  // methods touch it, on one thread (docs/ARCHITECTURE.md, Performance conventions).
  @exclusivity(unchecked) private var writer: AudioWriter?
  @exclusivity(unchecked) private var soundWriter: SoundFileWriter?
  @exclusivity(unchecked) private var resamplers: [any Resampler] = []
  @exclusivity(unchecked) private var channelInput: [[Int16]] = []
  @exclusivity(unchecked) private var channelOutput: [[Int16]] = []
  @exclusivity(unchecked) private var interleaved: [Int16] = []
  /// The output's channel count once started (0 before).
  @exclusivity(unchecked) private var outputChannels = 0
  /// Frames written (at the output rate).
  @exclusivity(unchecked) public private(set) var framesWritten: Int64 = 0

  /// A sink writing to `fileDescriptor`, which the caller closes after ``finish()``, in
  /// `fileFormat` if given, else in `container`.
  public init(
    fileDescriptor: FileDescriptor, container: AudioContainer = .wav,
    fileFormat: SoundFileFormat? = nil, outputRate: Int? = nil, quality: ResamplerQuality = .high
  ) {
    self.descriptor = fileDescriptor
    self.container = container
    self.fileFormat = fileFormat
    self.outputRate = outputRate
    self.quality = quality
  }

  /// The format written, once started.
  public var format: AudioFormat? { writer?.format ?? soundWriter?.format }

  public func start(sampleRate: Int, channels: Int) throws(DecodingError) {
    let rate = outputRate ?? sampleRate
    let format = AudioFormat(sampleRate: rate, channels: channels)
    do {
      if let fileFormat {
        soundWriter = try SoundFileWriter(
          fileDescriptor: descriptor, format: format, fileFormat: fileFormat)
      } else {
        writer = try AudioWriter(fileDescriptor: descriptor, format: format, container: container)
      }
    } catch {
      throw .audio("\(error)")
    }
    outputChannels = channels
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
    guard outputChannels > 0 else { return }
    if resamplers.isEmpty {
      try put(samples)
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
    guard format != nil else { return }
    if !resamplers.isEmpty {
      try resample { resampler, _, emit in try resampler.finish(emit) }
    }
    do {
      try writer?.finish()
      try soundWriter?.finish()
    } catch {
      throw .output(error)
    }
  }

  /// Runs `step` on each channel's resampler, then interleaves what they all produced.
  private func resample(
    _ step: (any Resampler, Int, (UnsafeBufferPointer<Int16>) throws -> Void) throws -> Void
  ) throws(DecodingError) {
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
      try put(samples)
    }
  }

  private func put(_ samples: UnsafeBufferPointer<Int16>) throws(DecodingError) {
    do {
      try writer?.write(samples: samples)
      try soundWriter?.write(samples: samples)
    } catch {
      throw .output(error)
    }
    framesWritten += Int64(samples.count / max(outputChannels, 1))
  }
}
