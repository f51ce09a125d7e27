import ArgumentParser
import RTPAudio
import RTPToolSupport

@main
struct RTPResample: ToolCommand {
  static let configuration = CommandConfiguration(
    commandName: "rtpresample",
    abstract: "Convert 16-bit audio from one sample rate to another.",
    discussion: """
      Reads audio (WAV, AU, AIFF, FLAC, ... sniffed from its first bytes, or raw with \
      --encoding and --in-rate) from FILE or standard input and writes it at --rate, mono, in \
      the container it came in: a WAV for any audio file, raw 16-bit little-endian samples for \
      raw input (--wav and --raw choose). Several channels are mixed down unless --channel \
      picks one. The band-limited qualities are libsoxr's; linear is librtpsynth's \
      interpolation, kept exact across chunks.
      """,
    version: ToolVersion.current)

  @Argument(help: "The audio to read ('-' or none for standard input).", completion: .file())
  var file: String?

  @Option(help: ArgumentHelp("Output sample rate in Hz.", valueName: "hz"))
  var rate: Int

  @Option(
    name: .customLong("in-rate"),
    help: ArgumentHelp("Raw input's sample rate in Hz (needs --encoding).", valueName: "hz"))
  var inputRate: Int?

  @Option(
    help: ArgumentHelp(
      "Raw input's encoding (needs --in-rate too).", valueName: "encoding"))
  var encoding: AudioEncodingArgument?

  @Option(help: ArgumentHelp("Raw input's channels (default 1).", valueName: "n"))
  var channels: Int?

  @Option(help: ArgumentHelp("Keep channel n (from 1) instead of mixing down.", valueName: "n"))
  var channel: Int?

  @Option(
    help: ArgumentHelp(
      "Resampler quality.", valueName: "quality"))
  var quality = ResamplerQualityArgument(.high)

  @Flag(help: "Write a WAV, whatever the input.")
  var wav = false

  @Flag(help: "Write raw 16-bit little-endian samples, whatever the input.")
  var raw = false

  @Option(
    name: .customShort("o"),
    help: ArgumentHelp("Write to FILE instead of standard output.", valueName: "file"),
    completion: .file())
  var outputPath: String?

  @Flag(help: "Show progress on standard error (only ever when it is a terminal).")
  var progress = false

  mutating func validate() throws {
    for (name, value) in [("--rate", rate), ("--in-rate", inputRate)] {
      if let value, !(1...AudioFormat.maximumSampleRate).contains(value) {
        throw ValidationError("\(name) must be 1 to \(AudioFormat.maximumSampleRate) Hz")
      }
    }
    if let channels, !(1...AudioFormat.maximumChannels).contains(channels) {
      throw ValidationError("--channels must be 1 to \(AudioFormat.maximumChannels)")
    }
    if let channel, channel < 1 { throw ValidationError("--channel counts from 1") }
    if wav && raw { throw ValidationError("--wav and --raw cannot be combined") }
    if (encoding == nil) != (inputRate == nil) {
      throw ValidationError("raw input needs both --encoding and --in-rate")
    }
    if encoding == nil && channels != nil {
      throw ValidationError("--channels describes raw input: add --encoding and --in-rate")
    }
  }

  mutating func execute() throws {
    let selection: ChannelSelection = channel.map { .channel($0) } ?? .mix
    let rawFormat = encoding.map {
      AudioFormat(sampleRate: inputRate ?? 0, channels: channels ?? 1, encoding: $0.value)
    }
    let input = try AudioInput(path: file, raw: rawFormat, channel: selection)
    defer { input.close() }

    let resampler: any Resampler
    do {
      resampler = try makeResampler(
        quality: quality.value, inputRate: input.reader.format.sampleRate, outputRate: rate)
    } catch {
      guard case .ratioTooLarge = error else { throw ToolFailure(.usage, "\(error)") }
      throw ToolFailure(.usage, "\(error): use --quality linear, or resample in two steps")
    }
    let container: AudioContainer = wav ? .wav : raw ? .raw : rawFormat == nil ? .wav : .raw
    let outputFile = try OutputFile(path: outputPath, binary: true)
    PipeBuffer.enlarge(input.file.descriptor)
    PipeBuffer.enlarge(outputFile.descriptor)
    let writer: AudioWriter
    do {
      writer = try AudioWriter(
        fileDescriptor: outputFile.descriptor, format: AudioFormat(sampleRate: rate),
        container: container)
    } catch {
      throw ToolFailure(.ioError, "\(outputFile.displayName): \(error)")
    }
    let meter = ProgressMeter(
      tool: "rtpresample", unit: "samples", requested: progress, input: input.file.descriptor,
      from: 0, totalUnits: input.reader.frameCount)
    defer { meter?.finish() }
    do {
      try AudioResamplingFilter(resampler: resampler, channels: selection)
        .run(from: input.reader, to: writer, progress: meter?.handler)
    } catch {
      throw input.failure(error, output: outputFile.displayName)
    }
    try outputFile.close()
  }
}
