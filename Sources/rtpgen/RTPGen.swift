import ArgumentParser
import RTPAudio
import RTPCaptures
import RTPCodecs
import RTPGeneration
import RTPIO
import RTPPackets
import RTPToolSupport
import SystemPackage

@main
struct RTPGen: ToolCommand {
  static let configuration = CommandConfiguration(
    commandName: "rtpgen",
    abstract: "Generate an RTP stream as a capture on standard output.",
    discussion: """
      The payload comes from FILE (raw encoded bytes: 1 byte a sample for PCMU and PCMA, 2 for \
      L16 in network order), from standard input when it is a pipe or a file, or is built in: a \
      tone with --tone, silence otherwise. With --codec (or --dtmf, --dtx, --bitrate), FILE is \
      audio instead (WAV, any format libsndfile reads, or raw 16-bit samples at --input-rate), \
      encoded by the codec's RTP rules. The stream is written as pcap unless --format says \
      otherwise; capture timestamps advance by the packet time from --start.
      """,
    version: ToolVersion.current)

  @Argument(help: "Raw payload bytes to packetise ('-' for standard input).", completion: .file())
  var file: String?

  @Option(
    name: .customLong("pt"),
    help: ArgumentHelp(
      "RTP payload type (0 PCMU, 8 PCMA, 10 L16 stereo, 11 L16, 96-127 dynamic; with --codec, "
        + "its static type or 96).",
      valueName: "type"))
  var explicitPayloadType: UInt8?

  @Option(
    help: ArgumentHelp(
      "Encode audio with this codec: a name (\(CodecRegistry.encodableEncodings.joined(separator: ", "))) "
        + "or NAME/RATE[/CHANNELS][;fmtp].",
      valueName: "codec"))
  var codec: CodecArgument?

  @Option(
    help: ArgumentHelp(
      "Codec bit rate in bit/s (a k suffix for thousands), for codecs that have several.",
      valueName: "bps"))
  var bitrate: BitRateArgument?

  @Flag(help: "Discontinuous transmission where the codec has it (Opus, G.729B, AMR, Speex).")
  var dtx = false

  @Option(
    help: ArgumentHelp(
      "Send these DTMF digits (0-9 * # A-D) as RFC 4733 events instead of audio.",
      valueName: "digits"))
  var dtmf: String?

  @Option(
    name: .customLong("dtmf-pt"),
    help: ArgumentHelp("Payload type of the DTMF events.", valueName: "type"))
  var dtmfPayloadType: UInt8 = 101

  @Option(
    name: .customLong("dtmf-start"),
    help: ArgumentHelp("When the first DTMF digit starts, in seconds.", valueName: "seconds"))
  var dtmfStart: DecimalSeconds = DecimalSeconds(nanoseconds: 500_000_000)

  @Option(
    name: .customLong("dtmf-duration"),
    help: ArgumentHelp("How long each DTMF digit lasts, in milliseconds.", valueName: "ms"))
  var dtmfDuration: Double = 100

  @Option(
    name: .customLong("dtmf-gap"),
    help: ArgumentHelp("Audio between DTMF digits, in milliseconds.", valueName: "ms"))
  var dtmfGap: Double = 100

  @Option(
    name: .customLong("input-rate"),
    help: ArgumentHelp(
      "With --codec, the rate of raw audio input (default: the encoder's).", valueName: "hz"))
  var inputRate: Int?

  @Option(help: "Resampler quality for audio at another rate than the encoder's.")
  var quality = ResamplerQualityArgument(.high)

  @Option(
    help: ArgumentHelp(
      "RTP clock rate in Hz (default: the payload type's, or 8000).", valueName: "hz"))
  var rate: Int?

  @Option(help: ArgumentHelp("Packet time in milliseconds.", valueName: "ms"))
  var ptime: Double = 20

  @Option(help: "Payload encoding of built-in audio: pcmu, pcma or l16 (default: by --pt).")
  var encoding: PayloadEncodingArgument?

  @Option(
    help: ArgumentHelp(
      "Audio channels, interleaved in each packet (default: 2 for --pt 10, else 1).",
      valueName: "n"))
  var channels: Int?

  @Option(help: ArgumentHelp("SSRC (decimal or 0x hex; default random).", valueName: "n"))
  var ssrc: IntegerArgument<UInt32>?

  @Option(
    name: .customLong("seq"),
    help: ArgumentHelp("First sequence number (default random).", valueName: "n"))
  var sequenceNumber: IntegerArgument<UInt16>?

  @Option(
    name: .customLong("ts"),
    help: ArgumentHelp("First RTP timestamp (default random).", valueName: "n"))
  var timestamp: IntegerArgument<UInt32>?

  @Option(
    help: ArgumentHelp(
      "Seed for SSRC, sequence and timestamp, for reproducible output.", valueName: "n"))
  var seed: IntegerArgument<UInt64>?

  @Option(help: ArgumentHelp("Stop after writing this many packets.", valueName: "packets"))
  var count: UInt64?

  @Option(
    help: ArgumentHelp(
      "Stop after this many seconds of media (decimals allowed).", valueName: "seconds"))
  var duration: DecimalSeconds?

  @Option(help: ArgumentHelp("Generate a sine tone of this frequency in Hz.", valueName: "hz"))
  var tone: Double?

  @Flag(help: "Generate silence, even when standard input is a pipe.")
  var silence = false

  @Option(help: ArgumentHelp("Source address of the packets, HOST:PORT.", valueName: "host:port"))
  var src: HostPort?

  @Option(
    help: ArgumentHelp("Destination address of the packets, HOST:PORT.", valueName: "host:port"))
  var dst: HostPort = HostPort(Endpoint(address: .v4(.loopback), port: 5004))

  @Option(
    help: ArgumentHelp(
      "Capture time of the first packet: Unix epoch seconds or 'now' (default now; 0 with --seed).",
      valueName: "epoch"))
  var start: StartTime?

  @Flag(help: "Voice activity detection: suppress silent packets, mark each talkspurt's first.")
  var vad = false

  @Option(help: "Output format: pcap, pcap-ns, pcapng or rtpdump.")
  var format: OutputFormat = .pcap

  @Option(
    name: .customShort("o"),
    help: ArgumentHelp("Write to FILE instead of standard output.", valueName: "file"),
    completion: .file())
  var output: String?

  @Flag(help: "Print counters as one JSON object on standard error at the end.")
  var stats = false

  @Flag(help: "Show progress on standard error (only ever when it is a terminal).")
  var progress = false

  /// The payload type of raw-payload mode.
  var payloadType: UInt8 { explicitPayloadType ?? 0 }

  mutating func validate() throws {
    guard payloadType <= 127 else { throw ValidationError("--pt must be 0 to 127") }
    guard !(64...95).contains(payloadType) else {
      throw ValidationError(
        "--pt \(payloadType) collides with RTCP packet types (RFC 5761); use 96 to 127")
    }
    if let rate, !(1...1_000_000).contains(rate) {
      throw ValidationError("--rate must be 1 to 1000000 Hz")
    }
    if let channels, !(1...8).contains(channels) {
      throw ValidationError("--channels must be 1 to 8")
    }
    guard ptime.isFinite, ptime >= 0.125, ptime <= 1000 else {
      throw ValidationError("--ptime must be 0.125 to 1000 ms")
    }
    if tone != nil, file != nil || silence {
      throw ValidationError("--tone cannot be combined with a FILE or --silence")
    }
    if silence, file != nil {
      throw ValidationError("--silence cannot be combined with a FILE")
    }
    if let duration, duration.nanoseconds <= 0 {
      throw ValidationError("--duration must be positive")
    }
    if let src, src.endpoint.address.isIPv6 != dst.endpoint.address.isIPv6 {
      throw ValidationError("--src and --dst must both be IPv4 or both IPv6")
    }
    if encodesAudio {
      try validateCodedOptions()
      return
    }
    if inputRate != nil { throw ValidationError("--input-rate applies to --codec") }
    try validateStaticPayloadType()
    if let tone, !(tone.isFinite && tone > 0 && tone < Double(clockRate) / 2) {
      throw ValidationError(
        "--tone must be above 0 and below half the rate (\(clockRate / 2) Hz)")
    }
    let payloadBytes =
      (clockRate * packetTimeMicroseconds + 999_999) / 1_000_000
      * payloadEncoding.bytesPerSample * channelCount
    guard payloadBytes <= RTPStreamGenerator.maximumPayloadLength else {
      throw ValidationError(
        "--rate × --ptime gives \(payloadBytes)-byte payloads; UDP holds at most \(RTPStreamGenerator.maximumPayloadLength)"
      )
    }
    guard clockRate * packetTimeMicroseconds >= 1_000_000 else {
      throw ValidationError(
        "--rate \(clockRate) × --ptime \(ptime) ms is less than one sample a packet")
    }
  }

  /// A static payload type means one encoding, clock and channel count (RFC 3551): refuse what
  /// rtpgen cannot encode and options that would contradict the type, rather than label
  /// packets with a codec their bytes are not.
  private func validateStaticPayloadType() throws {
    guard let assigned = RTPStaticPayloadType(payloadType) else { return }
    let name = "--pt \(payloadType) is \(assigned.encodingName)"
    guard let native = PayloadEncoding(staticPayloadType: payloadType) else {
      let lower = assigned.encodingName.lowercased()
      let hint =
        CodecRegistry.encodableEncodings.contains(lower)
        ? "; --codec \(lower) encodes audio as \(assigned.encodingName)" : ""
      throw ValidationError(
        "\(name), which rtpgen cannot encode from raw bytes: it encodes PCMU (0), PCMA (8), "
          + "L16 (10 stereo, 11 mono) and, with --encoding, dynamic types 96-127\(hint)")
    }
    if let encoding, encoding.value != native {
      throw ValidationError(
        "\(name); --encoding \(encoding.value) does not match it: use a dynamic type 96-127 "
          + "for \(encoding.value)")
    }
    if let rate, rate != assigned.clockRate {
      throw ValidationError(
        "\(name), whose clock is \(assigned.clockRate) Hz; for --rate \(rate) use a dynamic "
          + "type 96-127")
    }
    if let channels, channels != assigned.channels {
      throw ValidationError(
        "\(name) \(assigned.channels == 1 ? "mono" : "stereo"); for --channels \(channels) use "
          + (payloadType == 11 && channels == 2 ? "--pt 10" : "a dynamic type 96-127"))
    }
  }

  var clockRate: Int {
    rate ?? RTPStaticPayloadType(payloadType)?.clockRate ?? 8000
  }

  var channelCount: Int {
    channels ?? RTPStaticPayloadType(payloadType)?.channels ?? 1
  }

  var packetTimeMicroseconds: Int { Int((ptime * 1000).rounded()) }

  var payloadEncoding: PayloadEncoding {
    encoding?.value ?? PayloadEncoding(staticPayloadType: payloadType) ?? .l16
  }

  /// The first packet's SSRC, sequence number and timestamp: from --seed, else random, with
  /// --ssrc, --seq and --ts applied.
  var streamStart: RTPStreamStart {
    var start = seed.map { RTPStreamStart.seeded($0.value) } ?? .random()
    if let ssrc { start.ssrc = ssrc.value }
    if let sequenceNumber { start.sequenceNumber = sequenceNumber.value }
    if let timestamp { start.timestamp = timestamp.value }
    return start
  }

  /// --src, else the loopback address of --dst's family, port 5006.
  var sourceEndpoint: Endpoint {
    src?.endpoint
      ?? Endpoint(
        address: dst.endpoint.address.isIPv6 ? .v6(.loopback) : .v4(.loopback), port: 5006)
  }

  /// The first packet's capture time: --start, else now (0 with --seed).
  var startNanoseconds: Int64 {
    (start ?? (seed == nil ? .now : .epoch(nanoseconds: 0))).nanosecondsSinceEpoch
  }

  /// What to do instead, for a payload input that is a file of another kind.
  static func hint(for content: InputContent) -> String {
    if content.isCapture {
      return "it already holds packets: rtpsend and rtpjb read captures"
    }
    if content.isCompressed { return "decompress it first" }
    return "encode it first, e.g. rtpresample --rate 8000 FILE | rtpulaw --encode | rtpgen"
  }

  mutating func execute() throws {
    if encodesAudio {
      try executeCoded()
      return
    }
    let streamStart = self.streamStart
    let destination = dst.endpoint
    let source = sourceEndpoint
    let startTime = startNanoseconds
    let packetTimeNanoseconds = Int64(packetTimeMicroseconds) * 1000
    // Rounded up without adding first: a duration near Int64 nanoseconds must not overflow.
    let slots = duration.map {
      UInt64($0.nanoseconds / packetTimeNanoseconds)
        + ($0.nanoseconds % packetTimeNanoseconds == 0 ? 0 : 1)
    }
    let configuration = RTPStreamGenerator.Configuration(
      payloadType: payloadType, encoding: payloadEncoding, sampleRate: clockRate,
      packetTimeMicroseconds: packetTimeMicroseconds, start: streamStart, source: source,
      destination: destination, startTime: startTime, packetLimit: count, packetTimeLimit: slots,
      voiceActivityDetection: vad, channels: channelCount)

    var input: InputFile? = nil
    let payload: PayloadSource
    if let tone {
      payload = .tone(frequency: tone)
    } else if file != nil || (!silence && Terminal.carriesData(.standardInput)) {
      let opened = try InputFile(path: file)
      input = opened
      payload = .input(InputSource(fileDescriptor: opened.descriptor))
    } else {
      payload = .silence
    }
    defer { input?.close() }

    let outputFile = try OutputFile(path: output, binary: true)
    let sink = OutputSink(fileDescriptor: outputFile.descriptor)
    let (captureFormat, precision) = format.writerSettings
    let generator = RTPStreamGenerator(configuration: configuration, payload: payload)
    var failure: ToolFailure?
    // The work's size: the packet times of --duration, or --count's packets when no packet
    // is suppressed; else the input file's bytes, when it is a regular file.
    let meter = ProgressMeter(
      tool: "rtpgen", unit: "packets", requested: progress, input: input?.descriptor,
      totalUnits: slots ?? (vad ? nil : count))
    if case .input(let source) = payload { meter?.track(source) }
    defer { meter?.finish() }
    do {
      let writer = try CaptureWriter(sink: sink, format: captureFormat, precision: precision)
      do {
        try generator.run(into: writer, progress: meter?.handler)
      } catch .write(let error) {
        throw error
      } catch .timeOutOfRange(let line) {
        failure = ToolFailure(.dataError, "\(outputFile.displayName): \(line)")
      } catch .read(let error) {
        failure = ToolFailure(.ioError, "\(input?.displayName ?? "stdin"): \(error)")
      } catch .invalidHeader(let error) {
        // validate() refuses such a --pt; the generator says so too.
        failure = ToolFailure(.usage, "\(error)")
      } catch .emptyPayload {
        failure = ToolFailure(
          .dataError,
          "\(input?.displayName ?? "stdin"): the payload input ended before the first packet; "
            + "for built-in audio give --silence or --tone HZ")
      } catch .notRawPayload(let content) {
        failure = ToolFailure(
          .dataError,
          "\(input?.displayName ?? "stdin"): input is \(content), not raw payload bytes: "
            + Self.hint(for: content))
      } catch {
        failure = ToolFailure(.dataError, "\(input?.displayName ?? "stdin"): \(error)")
      }
      try writer.finish()
    } catch let error as IOError {
      if error == .brokenPipe { throw error }
      throw ToolFailure(.ioError, "\(outputFile.displayName): \(error)")
    }
    try outputFile.close()
    meter?.finish()
    if stats {
      var json = StatisticsJSON()
      json.add("written", generator.statistics.written)
      json.add("suppressed", generator.statistics.suppressed)
      json.add("talkspurts", generator.statistics.talkspurts)
      json.add("inputBytes", generator.statistics.inputBytes)
      Terminal.printError(json.description)
    }
    if let failure { throw failure }
  }
}
