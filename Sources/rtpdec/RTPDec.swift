import ArgumentParser
import RTPAudio
import RTPBase
import RTPCaptures
import RTPCodecs
import RTPIO
import RTPPlayout
import RTPSecurity
import RTPToolSupport

@main
struct RTPDec: ToolCommand {
  static let configuration = CommandConfiguration(
    commandName: "rtpdec",
    abstract: "Decode one RTP stream of a capture to audio.",
    discussion: """
      Reads a capture (pcap, pcapng or rtpdump) from FILE or standard input, takes one RTP \
      stream (by default the decodable audio stream with the most packets), puts it through a jitter buffer as \
      rtpjb does, and decodes it by payload type to WAV on standard output, placed on the \
      stream's RTP timeline: losses are concealed, gaps without loss (DTX, silence \
      suppression) filled with silence or comfort noise, telephone events listed and never \
      played. Decodes PCMU, PCMA, L16, L24, DVI4, GSM, G.729, G.722, G.726, AMR, AMR-WB, Opus and \
      Speex. Dynamic payload types are named by the SDP of the capture's SIP calls, by an SDP \
      file given with --sdp, or with --codec PT=NAME/RATE[/CHANNELS][;fmtp] (101 is \
      telephone-event unless mapped). SRTP streams are decrypted with --srtp-key, or with the \
      key their sender gave in an SDP a=crypto line of the capture's SIP; packets failing \
      authentication are counted and never decoded.
      """,
    version: ToolVersion.current)

  @Argument(help: "The capture to read ('-' or none for standard input).", completion: .file())
  var file: String?

  @Option(
    help: ArgumentHelp("Take every packet with this SSRC (decimal or 0x hex).", valueName: "n"))
  var ssrc: IntegerArgument<UInt32>?

  @Option(help: ArgumentHelp("Take the nth stream of rtpjb --list (1-based).", valueName: "n"))
  var stream: Int?

  @Option(
    name: .customLong("codec"),
    help: ArgumentHelp(
      "Map a payload type to a codec, as SDP's rtpmap and fmtp do (repeatable).",
      valueName: "PT=NAME/RATE[/CHANNELS][;fmtp]"))
  var codecs: [PayloadTypeMapping] = []

  @Option(
    help: ArgumentHelp(
      "Payload types from this SDP file's audio media (its a=rtpmap and a=fmtp lines), for "
        + "a capture without its signalling.", valueName: "file"),
    completion: .file())
  var sdp: String?

  @Option(
    name: .customLong("srtp-key"),
    help: ArgumentHelp(
      "Decrypt the stream as SRTP with this suite and base64 master key and salt (RFC 4568 "
        + "names: AES_CM_128_HMAC_SHA1_80, AES_CM_128_HMAC_SHA1_32, AEAD_AES_128_GCM, "
        + "AEAD_AES_256_GCM, AES_256_CM_HMAC_SHA1_80).", valueName: "SUITE:BASE64"),
    transform: { text in
      do {
        return try SRTPKey(parsing: text)
      } catch {
        throw ValidationError("--srtp-key: \(error)")
      }
    })
  var srtpKey: SRTPKey?

  @Option(help: "What fills lost packets: codec (its concealment), silence or none.")
  var plc: ConcealmentMode = .codec

  @Option(
    name: .customLong("max-gap"),
    help: ArgumentHelp(
      "Fill timestamp gaps up to this many seconds; longer jumps are discontinuities, not filled.",
      valueName: "seconds"))
  var maxGap: DecimalSeconds = DecimalSeconds(nanoseconds: 30_000_000_000)

  @Option(help: ArgumentHelp("Resample the audio to this rate.", valueName: "hz"))
  var rate: Int?

  @Option(help: "Resampler quality for --rate: linear, low, medium, high or very-high.")
  var quality = ResamplerQualityArgument(.high)

  @Option(
    help: ArgumentHelp(
      "What to write: wav, raw (16-bit little-endian samples), or flac, ogg, opus, mp3, aiff, "
        + "au, caf, w64 or rf64 to a file (default: by the -o file's extension, else wav).",
      valueName: "format"))
  var format: AudioContainerArgument?

  /// The format written: `--format`, else what the `-o` file's extension says, else WAV.
  var outputFormat: AudioContainerArgument {
    format ?? outputPath.flatMap { AudioContainerArgument(fileName: $0) } ?? .wav
  }

  @Option(
    name: .customShort("o"),
    help: ArgumentHelp("Write to FILE instead of standard output.", valueName: "file"),
    completion: .file())
  var outputPath: String?

  @Option(
    help: ArgumentHelp("Jitter buffer capacity in packets (1 to 8192).", valueName: "packets"))
  var capacity = 50

  @Option(
    name: .customLong("max-delay"),
    help: ArgumentHelp(
      "Release a packet held behind a gap after this many seconds of capture time (decimals allowed).",
      valueName: "seconds"))
  var maxDelay: DecimalSeconds?

  @Flag(help: "List telephone events (RFC 4733) on standard error: digit, time and duration.")
  var events = false

  @Flag(
    help: "Decode the two largest opposite audio streams as one stereo file, a channel each.")
  var both = false

  @Option(
    help: ArgumentHelp(
      "Decode the nth SIP call of the capture (as rtpstat --calls lists them) as one stereo file, a channel per direction.",
      valueName: "n"))
  var call: Int?

  @Flag(help: "Print counters as one JSON object on standard error at the end.")
  var stats = false

  @Flag(help: "Show progress on standard error (only ever when it is a terminal).")
  var progress = false

  mutating func validate() throws {
    guard (1...JitterBuffer.maximumCapacity).contains(capacity) else {
      throw ValidationError("--capacity must be 1 to \(JitterBuffer.maximumCapacity) packets")
    }
    if ssrc != nil && stream != nil {
      throw ValidationError("--ssrc and --stream cannot be combined")
    }
    if let stream, stream < 1 { throw ValidationError("--stream counts from 1") }
    if both && call != nil { throw ValidationError("--both and --call cannot be combined") }
    if (both || call != nil) && (ssrc != nil || stream != nil) {
      throw ValidationError("--both and --call choose the streams: they take no --ssrc or --stream")
    }
    if (both || call != nil) && events {
      throw ValidationError("--events lists one stream's: it takes no --both or --call")
    }
    if let call, call < 1 { throw ValidationError("--call counts from 1") }
    if let maxDelay, maxDelay.nanoseconds < 0 {
      throw ValidationError("--max-delay must not be negative")
    }
    if maxGap.nanoseconds < 0 { throw ValidationError("--max-gap must not be negative") }
    if let rate, !(1...AudioFormat.maximumSampleRate).contains(rate) {
      throw ValidationError("--rate must be 1 to \(AudioFormat.maximumSampleRate) Hz")
    }
  }

  mutating func execute() throws {
    let input = try CaptureStreamInput(tool: "rtpdec", path: file)
    defer { input.close() }
    let name = input.name
    let selection: RTPStreamSelection
    var signalling = CallSignalling()
    if let sdp { try signalling.readSessionDescription(at: sdp) }
    var payloadTypes = CallSignalling.map(signalling.fileMappings, then: codecs)
    var session: SRTPSession? = nil
    if let ssrc {
      selection = .ssrc(ssrc.value)
      session = try srtpSession(for: nil, signalling: signalling, name: name)
    } else {
      let scan = try input.scanStreams(progress: progress, passes: 3)
      signalling.tracker = try CallSignalling.read(from: input).tracker
      if both || call != nil {
        let chosen: [RTPStreamSummary?]
        do {
          chosen = try directions(scan.table, signalling, name: name)
        } catch {
          input.reportSkipped(
            records: scan.reader.skipped, notRTP: scan.table.notRTP,
            invalid: scan.table.invalidRTP, unconfirmed: scan.table.unconfirmedPackets)
          throw error
        }
        try decodeBoth(chosen, signalling: signalling, input: input, name: name)
        return
      }
      let key: RTPStreamKey
      do {
        key = try chooseStream(scan.table, failure: scan.failure, input: input, signalling)
      } catch {
        input.reportSkipped(
          records: scan.reader.skipped, notRTP: scan.table.notRTP,
          invalid: scan.table.invalidRTP, unconfirmed: scan.table.unconfirmedPackets)
        throw error
      }
      selection = .stream(key)
      let summary = scan.table.streams.first(where: { $0.key == key })
      session = try srtpSession(for: summary, signalling: signalling, name: name)
      if let summary {
        let (mappings, callID) = signalling.mappings(for: summary)
        payloadTypes = CallSignalling.map(mappings, then: codecs)
        if let callID, !mappings.isEmpty {
          let named = mappings.map { mapping in
            let format = mapping.format
            let channels = format.channels > 1 ? "/\(format.channels)" : ""
            return "\(mapping.payloadType)=\(format.encodingName)/\(format.clockRate)\(channels)"
          }.joined(separator: ", ")
          Terminal.printError(
            "rtpdec: \(name): payload types from the SDP of call \(callID): \(named)")
        }
      }
    }
    let reader = try input.openReader(progress: progress)
    let pipeline = PlayoutPipeline(
      reader: reader, selection: selection, capacity: capacity,
      maxDelay: maxDelay?.nanoseconds, unprotector: session)
    let outputFile = try OutputFile(path: outputPath, binary: true)
    let sink = AudioFileSink(
      fileDescriptor: outputFile.descriptor, container: outputFormat.container,
      fileFormat: outputFormat.fileFormat, outputRate: rate,
      quality: quality.value)
    let writer = AudioDecodingWriter(
      sink: sink, payloadTypes: payloadTypes, concealment: plc,
      maximumGap: .nanoseconds(maxGap.nanoseconds))
    var inputFailure: CaptureError? = nil
    var decodingFailure: DecodingError? = nil
    do {
      try pipeline.run(into: .audio(writer), progress: input.meter?.handler)
    } catch PlayoutError.output(let error) {
      throw outputFailure(error, output: outputFile)
    } catch PlayoutError.decoding(let error) {
      if case .output(let io) = error { throw outputFailure(io, output: outputFile) }
      decodingFailure = error
    } catch PlayoutError.input(let error) {
      inputFailure = error
    }
    try outputFile.close()
    input.meter?.finish()

    let counts = pipeline.statistics
    input.reportSkipped(
      records: reader.skipped, notRTP: counts.notRTP, invalid: counts.parseErrors)
    let decoded = writer.statistics
    if decoded.discontinuities > 0 {
      let first = writer.discontinuityExamples.first.map {
        ": the first from RTP time \($0.from) to \($0.to)"
      }
      Terminal.printError(
        "rtpdec: \(name): \(decoded.discontinuities) timestamp jumps beyond --max-gap "
          + "\(DecimalText.fixed(Double(maxGap.nanoseconds) / 1e9, decimals: 3)) s not filled\(first ?? "")"
      )
    }
    if decoded.otherFormatPackets > 0 {
      Terminal.printError(
        "rtpdec: \(name): \(decoded.otherFormatPackets) packets of a payload type decoding to "
          + "another rate or channel count than the stream's first: not played")
    }
    if decoded.corruptPackets > 0 {
      Terminal.printError(
        "rtpdec: \(name): \(decoded.corruptPackets) packets the codec refused: played as lost")
    }
    if events {
      let clock = writer.eventClockRate ?? 8000
      printEvents(writer.events.events, origin: reader.firstRecordTime, clock: clock)
    }
    if stats { Terminal.printError(json(counts, writer).description) }
    try Self.checkSRTP(counts, name: name)
    if let decodingFailure { throw ToolFailure(.dataError, "\(name): \(decodingFailure)") }
    if let inputFailure { throw ToolFailure(capture: inputFailure, name: name) }
    if case .ssrc(let wanted) = selection, counts.jitterBuffer.settled == 0 {
      throw ToolFailure(
        .dataError, "\(name): no RTP packets with SSRC \(RTPStreamTable.hex(wanted))")
    }
    if writer.audioFormat == nil {
      let what =
        decoded.eventPackets > 0
        ? "the stream holds only telephone events (see --events)" : "no audio packet decoded"
      throw ToolFailure(.dataError, "\(name): \(what)")
    }
  }

  private func printEvents(_ list: [TelephoneEventRecord], origin: Int64?, clock: Int) {
    for event in list {
      let start = event.arrival.nanoseconds - (origin ?? event.arrival.nanoseconds)
      let seconds = DecimalText.fixed(Double(start) / 1e9, decimals: 3)
      let length = Double(event.duration) / Double(clock)
      var line = "rtpdec: event \(event.symbol) at \(seconds) s"
      line += ", \(Self.milliseconds(length)) ms, volume -\(event.volume) dBm0"
      if !event.ended { line += ", end not seen" }
      Terminal.printError(line)
    }
  }

  private static func milliseconds(_ seconds: Double) -> Int { Int((seconds * 1000).rounded()) }

  private func outputFailure(_ error: IOError, output: OutputFile) -> Error {
    if error == .brokenPipe { return error }
    return ToolFailure(.ioError, "\(output.displayName): \(error)")
  }

  private func json(_ counts: PlayoutStatistics, _ writer: AudioDecodingWriter) -> StatisticsJSON {
    var json = StatisticsJSON()
    json.add("read", counts.read)
    json.add("ready", counts.jitterBuffer.ready)
    json.add("late", counts.jitterBuffer.late)
    json.add("duplicates", counts.jitterBuffer.duplicates)
    json.add("outOfSequence", counts.jitterBuffer.outOfSequence)
    json.add("erasures", counts.jitterBuffer.erasures)
    json.add("erasedPackets", counts.jitterBuffer.erasedPackets)
    json.add("parseErrors", counts.parseErrors)
    json.add("srtpFailures", counts.srtpFailures)
    json.add("srtpReplays", counts.srtpReplays)
    json.add("skipped", counts.skipped)
    json.add("otherStreams", counts.otherStreams)
    json.add("truncated", counts.truncated)
    json.add("fragments", counts.fragments)
    let decoded = writer.statistics
    json.add("sampleRate", writer.audioFormat?.sampleRate ?? 0)
    json.add("channels", writer.audioFormat?.channels ?? 0)
    json.add("decodedPackets", decoded.decodedPackets)
    json.add("decodedSamples", Int(decoded.decodedFrames))
    json.add("concealedSamples", Int(decoded.concealedFrames))
    json.add("filledSamples", Int(decoded.filledFrames))
    json.add("noiseSamples", Int(decoded.noiseFrames))
    json.add("notFilledSamples", Int(decoded.notFilledFrames))
    json.add("overlappedSamples", Int(decoded.overlappedFrames))
    json.add("discontinuities", decoded.discontinuities)
    json.add("corrupt", decoded.corruptPackets)
    json.add("otherFormat", decoded.otherFormatPackets)
    json.add("eventPackets", decoded.eventPackets)
    json.add("events", writer.events.events.count)
    json.add("comfortNoise", decoded.comfortNoisePackets)
    return json
  }

  /// The stream to decode: the `--stream`th, else the one with the most packets among those
  /// whose payload types are audio this toolkit decodes (static, from the SDP of their call or
  /// mapped with `--codec`), else the one with the most packets.
  private func chooseStream(
    _ table: RTPStreamTable, failure: CaptureError?, input: CaptureStreamInput,
    _ signalling: CallSignalling
  ) throws(ToolFailure) -> RTPStreamKey {
    if stream != nil || table.streams.isEmpty {
      return try input.chooseStream(from: table, failure: failure, number: stream)
    }
    let audio = table.streams.filter { summary in
      let map = CallSignalling.map(signalling.mappings(for: summary).mappings, then: codecs)
      return CallSignalling.isDecodableAudio(summary, under: map)
    }
    guard let busiest = audio.max(by: { $0.packets < $1.packets }) else {
      return try input.chooseStream(from: table, failure: failure, number: nil)
    }
    return busiest.key
  }
}
