import ArgumentParser
import RTPCaptures
import RTPIO
import RTPPlayout
import RTPSecurity
import RTPToolSupport
import SystemPackage

@main
struct RTPJB: ToolCommand {
  static let configuration = CommandConfiguration(
    commandName: "rtpjb",
    abstract: "Put one RTP stream of a capture in play-out order through a jitter buffer.",
    discussion: """
      Reads a capture (pcap, pcapng or rtpdump) from FILE or standard input, takes one RTP \
      stream (by default the one with the most packets; see --list), reorders it, drops \
      duplicates and late packets, and writes it as a capture, as payload bytes with silence \
      for the voids, or as JSON events. Choosing a stream reads the input twice; a pipe is \
      copied to an unlinked temporary file first. --ssrc reads it once.
      """,
    version: ToolVersion.current)

  @Argument(help: "The capture to read ('-' or none for standard input).", completion: .file())
  var file: String?

  @Option(
    help: ArgumentHelp("Take every packet with this SSRC (decimal or 0x hex).", valueName: "n"))
  var ssrc: IntegerArgument<UInt32>?

  @Option(help: ArgumentHelp("Take the nth stream of --list (1-based).", valueName: "n"))
  var stream: Int?

  @Flag(help: "List the RTP streams and exit.")
  var list = false

  @Option(name: .customLong("output"), help: "What to write: pcap, payload or events.")
  var kind: OutputKind = .pcap

  @Option(help: "Capture format of --output pcap: pcap, pcap-ns, pcapng or rtpdump.")
  var format: OutputFormat?

  @Option(help: "Codec for the silence of --output payload: pcmu, pcma or l16 (default: by PT).")
  var encoding: PayloadEncodingArgument?

  @Option(
    name: .customLong("pt"),
    help: ArgumentHelp(
      "The payload type --output payload writes (default: the stream's first audio type).",
      valueName: "n"))
  var payloadType: Int?

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

  @Option(
    name: .customLong("srtp-key"),
    help: ArgumentHelp(
      "Decrypt the stream as SRTP with this suite and base64 master key and salt "
        + "(as rtpdec --srtp-key); what is written is plain RTP.", valueName: "SUITE:BASE64"),
    transform: { text in
      do {
        return try SRTPKey(parsing: text)
      } catch {
        throw ValidationError("--srtp-key: \(error)")
      }
    })
  var srtpKey: SRTPKey?

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
    if list && (stream != nil || ssrc != nil) {
      throw ValidationError("--list shows every stream: it takes no --stream or --ssrc")
    }
    if let stream, stream < 1 { throw ValidationError("--stream counts from 1") }
    if let maxDelay, maxDelay.nanoseconds < 0 {
      throw ValidationError("--max-delay must not be negative")
    }
    if format != nil && kind != .pcap {
      throw ValidationError("--format applies to --output pcap only")
    }
    if encoding != nil && kind != .payload {
      throw ValidationError("--encoding applies to --output payload only")
    }
    if let payloadType {
      guard kind == .payload else { throw ValidationError("--pt applies to --output payload only") }
      guard (0...127).contains(payloadType) else {
        throw ValidationError("--pt must be a payload type, 0 to 127")
      }
    }
  }

  mutating func execute() throws {
    let report = StatisticsReport()
    do {
      try play(report)
    } catch {
      if stats && !report.printed {
        Terminal.printError(json(report.counts, payload: report.payload).description)
      }
      throw error
    }
  }

  private func play(_ report: StatisticsReport) throws {
    let input = try InputFile(path: file)
    defer { input.close() }
    let name = input.displayName
    var spool: SpoolFile? = nil
    defer { spool?.close() }

    var descriptor = input.descriptor
    var meter: ProgressMeter? = nil
    defer { meter?.finish() }
    let selection: RTPStreamSelection
    if let ssrc {
      selection = .ssrc(ssrc.value)
    } else {
      if !Terminal.isRegularFile(descriptor) {
        let copy = try SpoolFile(copyingCapture: descriptor, inputName: name)
        spool = copy
        descriptor = copy.descriptor
      }
      let start = try position(of: descriptor, name: name)
      meter = ProgressMeter(
        tool: "rtpjb", unit: "packets", requested: progress, input: descriptor,
        passes: list ? 1 : 2)
      var table = RTPStreamTable()
      let scan = try openReader(descriptor, name: name, meter: meter)
      var scanFailure: CaptureError? = nil
      do {
        try table.read(from: scan, progress: meter?.handler)
      } catch {
        scanFailure = error
      }
      report.scanned(scan, table: table)
      if table.untrackedPackets > 0 {
        Terminal.printError(
          "rtpjb: \(name): more than \(table.limit) RTP streams: \(table.untrackedPackets) packets "
            + "of later ones counted in a sketch of the busiest; \(table.streamsBeyondLimit) of "
            + "those listed, their packets counted from when the sketch took them in")
      }
      if list {
        meter?.finish()
        try printListing(table)
        reportSkipped(
          name: name, records: scan.skipped, notRTP: table.notRTP, invalid: table.invalidRTP,
          unconfirmed: table.unconfirmedPackets)
        if stats {
          Terminal.printError(json(report.counts, payload: nil).description)
          report.printed = true
        }
        if let scanFailure { throw ToolFailure(capture: scanFailure, name: name) }
        if table.streams.isEmpty { throw ToolFailure(.dataError, "\(name): no RTP stream") }
        return
      }
      do {
        selection = try choose(from: table, failure: scanFailure, name: name)
      } catch {
        reportSkipped(
          name: name, records: scan.skipped, notRTP: table.notRTP, invalid: table.invalidRTP,
          unconfirmed: table.unconfirmedPackets)
        throw error
      }
      do {
        _ = try descriptor.seek(offset: start, from: .start)
      } catch {
        throw ToolFailure(.ioError, "\(name): cannot read it again: \(error)")
      }
      meter?.startPass()
    }
    if meter == nil {
      meter = ProgressMeter(
        tool: "rtpjb", unit: "packets", requested: progress, input: descriptor)
    }

    let reader = try openReader(descriptor, name: name, meter: meter)
    var session: SRTPSession? = nil
    if let srtpKey {
      do {
        session = try SRTPSession(key: srtpKey, direction: .inbound)
      } catch {
        throw ToolFailure(.software, "\(name): \(error)")
      }
    }
    let pipeline = PlayoutPipeline(
      reader: reader, selection: selection, capacity: capacity,
      maxDelay: maxDelay?.nanoseconds, unprotector: session)
    // Whichever way play-out ends, --stats has the pipeline's counts.
    defer { report.counts = pipeline.statistics }
    let outputFile = try OutputFile(path: outputPath, binary: kind != .events)
    let sink = OutputSink(fileDescriptor: outputFile.descriptor)
    var inputFailure: CaptureError? = nil
    var captureWriter: CaptureWriter? = nil
    var payloadWriter: PayloadWriter? = nil
    do {
      let output: PlayoutOutput
      switch kind {
      case .pcap:
        let (captureFormat, precision) = (format ?? .pcap).writerSettings
        let writer = try CaptureWriter(sink: sink, format: captureFormat, precision: precision)
        captureWriter = writer
        output = .capture(writer)
      case .payload:
        let writer = PayloadWriter(
          sink: sink, encoding: encoding?.value, payloadType: payloadType.map { UInt8($0) })
        payloadWriter = writer
        output = .payload(writer)
      case .events:
        output = .events(PlayoutEventWriter(sink: sink))
      }
      try pipeline.run(into: output, progress: meter?.handler)
    } catch let error as IOError {
      throw outputFailure(error, output: outputFile)
    } catch PlayoutError.output(let error) {
      throw outputFailure(error, output: outputFile)
    } catch PlayoutError.input(let error) {
      inputFailure = error
    }
    try outputFile.close()
    meter?.finish()

    let counts = pipeline.statistics
    report.counts = counts
    reportSkipped(
      name: name, records: reader.skipped, notRTP: counts.notRTP, invalid: counts.parseErrors)
    let tooLong = counts.notWritten - (captureWriter?.outOfRangeSkipped ?? 0)
    if tooLong > 0 {
      Terminal.printError(
        "rtpjb: \(name): \(tooLong) packets too long for \(format ?? .pcap) not written")
    }
    if counts.truncated > 0 {
      Terminal.printError(
        "rtpjb: \(name): \(counts.truncated) packets of the stream cut short by the snaplen: "
          + "not played")
    }
    if counts.silenceNotFilled > 0 {
      Terminal.printError(
        "rtpjb: \(name): \(counts.silenceNotFilled) bytes of silence not filled: the stream's "
          + "RTP time runs more than \(PayloadWriter.fillSlackSeconds) s ahead of its capture time")
    }
    if let payloadWriter {
      report.payload = PayloadCounts(writer: payloadWriter)
      if payloadWriter.otherPayloadTypePackets > 0, let written = payloadWriter.selectedPayloadType
      {
        Terminal.printError(
          "rtpjb: \(name): wrote payload type \(written) only: "
            + "\(payloadWriter.otherPayloadTypePackets) packets of other payload types left out "
            + "(--pt chooses)")
      }
    }
    if stats {
      Terminal.printError(json(counts, payload: report.payload).description)
      report.printed = true
    }
    if let payloadWriter, payloadWriter.selectedPayloadType == nil,
      payloadWriter.eventPackets + payloadWriter.comfortNoisePackets > 0, inputFailure == nil
    {
      throw ToolFailure(
        .dataError,
        "\(name): the stream holds only telephone events and comfort noise: no payload to "
          + "write (--output events lists them; --pt writes a payload type's bytes as they are)")
    }
    // A time the output format cannot hold is refused, never clamped: bad data for it, 65.
    if let line = captureWriter?.outOfRangeDescription {
      let refusal = ToolFailure(.dataError, "\(outputFile.displayName): \(line)")
      guard inputFailure != nil else { throw refusal }
      Terminal.printError("rtpjb: \(refusal.message)")
    }
    if let inputFailure { throw ToolFailure(capture: inputFailure, name: name) }
    let srtpRefused = counts.srtpFailures + counts.srtpReplays
    if srtpRefused > 0 && counts.jitterBuffer.settled == 0 {
      throw ToolFailure(
        .dataError,
        "\(name): all \(srtpRefused) packets failed SRTP authentication (a wrong key?): "
          + "nothing written")
    } else if srtpRefused > 0 {
      Terminal.printError(
        "rtpjb: \(name): \(counts.srtpFailures) packets failed SRTP authentication and "
          + "\(counts.srtpReplays) were replays: not written")
    }
    if counts.jitterBuffer.settled == 0 && counts.truncated > 0 {
      throw ToolFailure(
        .dataError,
        "\(name): every packet of the stream was cut short by the snaplen: nothing to play "
          + "(rtpstat counts their headers)")
    }
    if case .ssrc(let wanted) = selection,
      counts.jitterBuffer.settled == 0
    {
      throw ToolFailure(
        .dataError, "\(name): no RTP packets with SSRC \(RTPStreamTable.hex(wanted))")
    }
  }

  /// The stream `--stream` names, or the one with the most packets.
  private func choose(from table: RTPStreamTable, failure: CaptureError?, name: String)
    throws(ToolFailure) -> RTPStreamSelection
  {
    if let stream {
      guard stream <= table.streams.count else {
        if let failure { throw ToolFailure(capture: failure, name: name) }
        throw ToolFailure(
          .dataError,
          "\(name): --stream \(stream): the input has \(table.streams.count) RTP streams")
      }
      return .stream(table.streams[stream - 1].key)
    }
    guard let busiest = table.busiest else {
      if let failure { throw ToolFailure(capture: failure, name: name) }
      throw ToolFailure(.dataError, "\(name): no RTP stream")
    }
    return .stream(table.streams[busiest].key)
  }

  private func printListing(_ table: RTPStreamTable) throws {
    let outputFile = try OutputFile(path: outputPath, binary: false)
    let sink = OutputSink(fileDescriptor: outputFile.descriptor)
    do {
      try sink.write(table.listing.utf8)
      try sink.flush()
    } catch {
      throw outputFailure(error, output: outputFile)
    }
    try outputFile.close()
  }

  /// A reader of `descriptor` from where it is, whose bytes `meter` counts.
  private func openReader(_ descriptor: FileDescriptor, name: String, meter: ProgressMeter?)
    throws(ToolFailure) -> DatagramReader
  {
    let source = InputSource(fileDescriptor: descriptor)
    meter?.track(source)
    do {
      // Packets cut short by the snaplen are counted as their stream's, and never played.
      return try DatagramReader(source: source, keepsTruncatedDatagrams: true)
    } catch {
      throw ToolFailure(capture: error, name: name)
    }
  }

  private func position(of descriptor: FileDescriptor, name: String) throws(ToolFailure) -> Int64 {
    do {
      return try descriptor.seek(offset: 0, from: .current)
    } catch {
      throw ToolFailure(.ioError, "\(name): \(error)")
    }
  }

  /// A write failure: quiet for a closed pipe, else exit 74 naming the output.
  private func outputFailure(_ error: IOError, output: OutputFile) -> Error {
    if error == .brokenPipe { return error }
    return ToolFailure(.ioError, "\(output.displayName): \(error)")
  }

  /// One line on standard error when records or datagrams carried no RTP.
  private func reportSkipped(
    name: String, records: SkipCounters, notRTP: Int, invalid: Int, unconfirmed: Int = 0
  ) {
    var parts = records.nonZero.map { "\($0.count) \($0.reason)" }
    if notRTP > 0 { parts.append("\(notRTP) UDP not RTP") }
    if invalid > 0 { parts.append("\(invalid) invalid RTP") }
    if unconfirmed > 0 {
      parts.append("\(unconfirmed) RTP-like with no two packets of their flow in sequence")
    }
    let total = records.total + notRTP + invalid + unconfirmed
    guard total > 0 else { return }
    Terminal.printError(
      "rtpjb: \(name): skipped \(total) packets: \(parts.joined(separator: ", "))")
  }

  private func json(_ counts: PlayoutStatistics, payload: PayloadCounts?) -> StatisticsJSON {
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
    if kind == .payload {
      let payload = payload ?? PayloadCounts()
      json.add("silenceNotFilled", counts.silenceNotFilled)
      json.add("payloadBytes", payload.payloadBytes)
      json.add("silenceBytes", payload.silenceBytes)
      json.add("eventPackets", payload.eventPackets)
      json.add("comfortNoisePackets", payload.comfortNoisePackets)
      json.add("otherPayloadTypePackets", payload.otherPayloadTypePackets)
    }
    return json
  }
}
