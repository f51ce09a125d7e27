import ArgumentParser
import RTPAudio
import RTPToolSupport

@main
struct RTPULaw: ToolCommand {
  static let configuration = CommandConfiguration(
    commandName: "rtpulaw",
    abstract: "Convert 16-bit audio to G.711 µ-law or A-law, and back.",
    discussion: """
      --encode reads audio at 8000 Hz (WAV, AU, AIFF, FLAC, ... sniffed from its first bytes, \
      or raw with --encoding and --rate) and writes G.711 payload bytes, as rtpgen reads them, \
      or a G.711 WAV with --wav. --decode reads G.711 (a WAV or AU file, or raw octets when the \
      input is not an audio file, as rtpjb --output payload writes them) and writes a 16-bit \
      WAV, or raw samples with --raw. Several channels are mixed down unless --channel picks one.
      """,
    version: ToolVersion.current)

  @Argument(help: "The audio to read ('-' or none for standard input).", completion: .file())
  var file: String?

  @Flag(help: "16-bit audio in, G.711 out.")
  var encode = false

  @Flag(help: "G.711 in, 16-bit audio out.")
  var decode = false

  @Option(help: ArgumentHelp("The G.711 law: u for µ-law, a for A-law.", valueName: "law"))
  var law = G711LawArgument(.ulaw)

  @Option(
    help: ArgumentHelp(
      "Raw input's encoding, with --encode (needs --rate too).",
      valueName: "encoding"))
  var encoding: AudioEncodingArgument?

  @Option(
    help: ArgumentHelp(
      "Raw input's sample rate in Hz (--decode: of raw G.711, default 8000).", valueName: "hz"))
  var rate: Int?

  @Option(help: ArgumentHelp("Raw input's channels (default 1).", valueName: "n"))
  var channels: Int?

  @Option(help: ArgumentHelp("Keep channel n (from 1) instead of mixing down.", valueName: "n"))
  var channel: Int?

  @Flag(help: "With --encode, write a G.711 WAV instead of raw payload bytes.")
  var wav = false

  @Flag(help: "With --decode, write raw 16-bit little-endian samples instead of a WAV.")
  var raw = false

  @Option(
    name: .customShort("o"),
    help: ArgumentHelp("Write to FILE instead of standard output.", valueName: "file"),
    completion: .file())
  var outputPath: String?

  @Flag(help: "Show progress on standard error (only ever when it is a terminal).")
  var progress = false

  mutating func validate() throws {
    guard encode != decode else {
      throw ValidationError("give exactly one of --encode and --decode")
    }
    if let rate, !(1...AudioFormat.maximumSampleRate).contains(rate) {
      throw ValidationError("--rate must be 1 to \(AudioFormat.maximumSampleRate) Hz")
    }
    if let channels, !(1...AudioFormat.maximumChannels).contains(channels) {
      throw ValidationError("--channels must be 1 to \(AudioFormat.maximumChannels)")
    }
    if let channel, channel < 1 { throw ValidationError("--channel counts from 1") }
    if wav && raw { throw ValidationError("--wav and --raw cannot be combined") }
    if encode {
      if raw { throw ValidationError("--raw applies to --decode; --encode writes raw by default") }
      if encoding != nil && rate == nil { throw ValidationError("raw input needs --rate too") }
      if encoding == nil && rate != nil {
        throw ValidationError("--rate describes raw input: add --encoding s16le")
      }
      if encoding == nil && channels != nil {
        throw ValidationError("--channels describes raw input: add --encoding and --rate")
      }
    } else {
      if wav {
        throw ValidationError("--wav applies to --encode; --decode writes a WAV by default")
      }
      if encoding != nil {
        throw ValidationError("--encoding applies to --encode; raw G.711 is read by --law")
      }
    }
  }

  mutating func execute() throws {
    let selection: ChannelSelection = channel.map { .channel($0) } ?? .mix
    let input: AudioInput
    if encode {
      let rawFormat = encoding.map {
        AudioFormat(sampleRate: rate ?? 0, channels: channels ?? 1, encoding: $0.value)
      }
      input = try AudioInput(path: file, raw: rawFormat, channel: selection)
    } else {
      let fallback = AudioFormat(
        sampleRate: rate ?? 8000, channels: channels ?? 1, encoding: law.value.encoding)
      input = try AudioInput(path: file, fallback: fallback, channel: selection)
    }
    defer { input.close() }
    let format = input.reader.format

    let output: AudioFormat
    let container: AudioContainer
    if encode {
      guard format.sampleRate == 8000 else {
        throw ToolFailure(
          .dataError,
          "\(input.displayName): input is \(format.sampleRate) Hz; G.711 is 8000 Hz: "
            + "pipe through rtpresample --rate 8000")
      }
      output = AudioFormat(sampleRate: 8000, encoding: law.value.encoding)
      container = wav ? .wav : .raw
    } else {
      guard format.encoding != .pcm16 else {
        throw ToolFailure(
          .dataError,
          "\(input.displayName): input is \(input.reader.formatName), \(format): not G.711 "
            + "(rtpulaw --encode makes G.711 from it)")
      }
      output = AudioFormat(sampleRate: format.sampleRate, encoding: .pcm16)
      container = raw ? .raw : .wav
    }

    let outputFile = try OutputFile(path: outputPath, binary: true)
    PipeBuffer.enlarge(input.file.descriptor)
    PipeBuffer.enlarge(outputFile.descriptor)
    let writer: AudioWriter
    do {
      writer = try AudioWriter(
        fileDescriptor: outputFile.descriptor, format: output, container: container)
    } catch {
      throw ToolFailure(.ioError, "\(outputFile.displayName): \(error)")
    }
    let meter = ProgressMeter(
      tool: "rtpulaw", unit: "samples", requested: progress, input: input.file.descriptor,
      from: 0, totalUnits: input.reader.frameCount)
    defer { meter?.finish() }
    do {
      try AudioTranscoder(channels: selection)
        .run(from: input.reader, to: writer, progress: meter?.handler)
    } catch {
      throw input.failure(error, output: outputFile.displayName)
    }
    try outputFile.close()
  }
}

extension G711Law {
  /// The stored encoding of this law.
  var encoding: AudioEncoding { self == .ulaw ? .ulaw : .alaw }
}
