import ArgumentParser
import RTPAnalysis
import RTPCaptures
import RTPIO
import RTPSignalling
import RTPToolSupport
import SystemPackage

@main
struct RTPStat: ToolCommand {
  static let configuration = CommandConfiguration(
    commandName: "rtpstat",
    abstract: "Print per-stream RTP statistics of a capture, as tshark -z rtp,streams does.",
    discussion: """
      Reads a capture (pcap, pcapng or rtpdump) from FILE or standard input and prints, for \
      each RTP stream (an SSRC between two UDP endpoints that has sent two packets in \
      sequence), its start and end (seconds from the capture's first record), addresses, \
      SSRC, payload, packets, lost packets, minimum, mean and maximum delta and jitter, \
      duplicates, reordered packets and whether it has problems. Jitter needs the payload's \
      clock rate: static payload types have one; give dynamic ones with --clock-rate. With \
      several FILEs, each is analysed on its own and its rows are labelled with its name.
      """,
    version: ToolVersion.current)

  @Argument(
    help: "The captures to read, each on its own ('-' or none for standard input).",
    completion: .file())
  var files: [String] = []

  @Flag(help: "Print a JSON array with one object per stream instead of the table.")
  var json = false

  @Option(
    help: ArgumentHelp(
      "Name and clock payload types as this SDP file's audio media do, for captures without their signalling.",
      valueName: "file"),
    completion: .file())
  var sdp: String?

  @Flag(
    help:
      "Print one row per SIP call instead: Call-ID, from, to, start, duration, and per direction codec, packets, loss and jitter, and the DTMF digits."
  )
  var calls = false

  @Option(
    name: .customLong("clock-rate"),
    help: ArgumentHelp(
      "Clock rate of a payload type, for jitter (repeatable), such as 96=48000.",
      valueName: "pt=hz"))
  var clockRates: [ClockRateArgument] = []

  @Option(
    help: ArgumentHelp("Draw delta and jitter over time into this SVG file.", valueName: "file"),
    completion: .file(extensions: ["svg"]))
  var plot: String?

  @Option(
    name: .customShort("o"),
    help: ArgumentHelp("Write to FILE instead of standard output.", valueName: "file"),
    completion: .file())
  var outputPath: String?

  @Flag(help: "Print counters as one JSON object on standard error at the end.")
  var stats = false

  @Flag(help: "Show progress on standard error (only ever when it is a terminal).")
  var progress = false

  /// Points per stream kept for the plot.
  private static let plotSamples = 4096

  mutating func validate() throws {
    if plot != nil && files.count > 1 {
      throw ValidationError("--plot draws one capture: give one FILE")
    }
    if files.filter({ $0 == "-" }).count > 1 {
      throw ValidationError("standard input ('-') can be read once")
    }
  }

  /// One capture's analysis: its streams, what was read and skipped, and how reading ended.
  private struct Analysis {
    var name: String
    var analyzer: RTPStreamAnalyzer
    var counts = Counters()
    var skippedRecords = SkipCounters()
    var failure: ToolFailure?
    var calls: [CallReport] = []
  }

  mutating func execute() throws {
    // The --sdp file's declarations hold for every stream.
    var declared = SignalledPayloadTypes()
    if let sdp {
      for mapping in try SessionDescriptionFile.audioMappings(at: sdp) {
        let format = mapping.format
        declared.declareEverywhere(
          mapping.payloadType, .init(name: format.encodingName, clockRate: format.clockRate))
      }
    }
    var rates: [UInt8: Int] = [:]
    for argument in clockRates { rates[argument.payloadType] = argument.rate }
    let paths: [String?] = files.isEmpty ? [nil] : files.map { $0 }
    var analyses: [Analysis] = []
    for path in paths {
      analyses.append(analyse(path, rates: rates, declared: declared))
    }

    let labelled = paths.count > 1
    var streams: [RTPStreamStatistics] = []
    var labels: [String] = []
    for analysis in analyses {
      streams += analysis.analyzer.streams
      labels += Array(repeating: analysis.name, count: analysis.analyzer.streams.count)
    }
    let text: String
    if calls {
      let reports = analyses.flatMap(\.calls)
      text = json ? CallReport.json(reports) : CallReport.table(reports)
    } else {
      text =
        json
        ? RTPStreamReport.json(streams, labels: labelled ? labels : nil)
        : RTPStreamReport.table(streams, labels: labelled ? labels : nil)
    }
    try write(text, to: outputPath)
    if let plot { try write(RTPStreamPlot.svg(streams), to: plot) }

    for analysis in analyses {
      reportSkipped(name: analysis.name, analyzer: analysis.analyzer, records: analysis)
      let truncated = analysis.analyzer.truncatedPackets
      if truncated > 0 {
        Terminal.printError(
          "rtpstat: \(analysis.name): \(truncated) RTP packets cut short by the snaplen: "
            + "counted from their headers")
      }
    }
    if stats {
      let total = analyses.reduce(into: Counters()) { $0.add($1.counts) }
      Terminal.printError(total.json.description)
    }
    for analysis in analyses {
      if let failure = analysis.failure, analyses.count > 1 {
        Terminal.printError("rtpstat: \(failure.message)")
      }
    }
    if let first = analyses.compactMap(\.failure).first {
      if analyses.count > 1 { throw ExitCode(first.status.rawValue) }
      throw first
    }
  }

  /// Reads the capture at `path` (standard input for `nil` or `-`) to its end or its damage.
  private func analyse(_ path: String?, rates: [UInt8: Int], declared: SignalledPayloadTypes)
    -> Analysis
  {
    var analysis = Analysis(
      name: path.map { $0 == "-" ? "stdin" : $0 } ?? "stdin",
      analyzer: RTPStreamAnalyzer(
        clockRates: rates, sampleLimit: plot == nil ? 0 : Self.plotSamples))
    let input: InputFile
    do {
      input = try InputFile(path: path)
    } catch {
      analysis.failure = error
      return analysis
    }
    defer { input.close() }
    analysis.name = input.displayName
    let meter = ProgressMeter(
      tool: "rtpstat", unit: "packets", requested: progress, input: input.descriptor)
    defer { meter?.finish() }
    var inputFailure: CaptureError? = nil
    // The signalling is read in the streams' own pass; only --calls reads the capture again
    // (for its DTMF digits), so only then is a pipe spooled first, as rtpjb spools one.
    var descriptor = input.descriptor
    var spool: SpoolFile? = nil
    defer { spool?.close() }
    if calls && !Terminal.isRegularFile(descriptor) {
      do {
        let copy = try SpoolFile(copyingCapture: descriptor, inputName: analysis.name)
        spool = copy
        descriptor = copy.descriptor
      } catch {
        analysis.failure = error
        return analysis
      }
    }
    let start = (try? descriptor.seek(offset: 0, from: .current)) ?? 0
    let signalling = CaptureSignalling()
    analysis.analyzer.signalled = declared
    analysis.analyzer.signalling = signalling
    do {
      let source = InputSource(fileDescriptor: descriptor)
      meter?.track(source)
      // Packets cut short by the snaplen still have headers to count, as tshark counts them.
      let reader = try DatagramReader(source: source, keepsTruncatedDatagrams: true)
      reader.skippedRecordObserver = { record, reason in
        signalling.observe(skipped: record, reason: reason)
      }
      do {
        try analysis.analyzer.read(from: reader, progress: meter?.handler)
      } catch {
        inputFailure = error
      }
      analysis.skippedRecords = reader.skipped
      analysis.counts = Counters(reader: reader, analyzer: analysis.analyzer)
    } catch {
      inputFailure = error
    }
    signalling.finish()
    let tracker = signalling.tracker
    meter?.finish()
    if let inputFailure {
      analysis.failure = ToolFailure(capture: inputFailure, name: analysis.name)
    }
    if calls {
      var digits: [Endpoint: String] = [:]
      let types = CallReport.eventTypes(tracker)
      if !types.isEmpty, (try? descriptor.seek(offset: start, from: .start)) != nil {
        digits = CallReport.digits(in: InputSource(fileDescriptor: descriptor), types: types)
      }
      analysis.calls = CallReport.reports(
        tracker: tracker, streams: analysis.analyzer.streams,
        origin: analysis.analyzer.origin ?? 0, digits: digits)
    }
    return analysis
  }

  private func write(_ text: String, to path: String?) throws {
    let outputFile = try OutputFile(path: path, binary: false)
    let sink = OutputSink(fileDescriptor: outputFile.descriptor)
    do {
      try sink.write(text.utf8)
      try sink.flush()
    } catch {
      if error == .brokenPipe { throw error }
      throw ToolFailure(.ioError, "\(outputFile.displayName): \(error)")
    }
    try outputFile.close()
  }

  /// What `--stats` prints, with rtpjb's names for the same counts: every record read is in
  /// exactly one of the others, `read == packets + untracked + parseErrors + skipped + fragments`
  /// (`skipped`: records that held no UDP, datagrams that held no RTP and RTP-like datagrams of
  /// flows that never had two packets in sequence; `parseErrors`: RTP that failed validation;
  /// `untracked`: RTP of streams past the table's limit; `truncated`: packets, of any of those,
  /// whose payload the capture cut short, counted from their headers). Several captures' counts
  /// are summed.
  private struct Counters {
    var read = 0
    var streams = 0
    var packets = 0
    var untracked = 0
    var parseErrors = 0
    var skipped = 0
    var fragments = 0
    var truncated = 0

    init() {}

    init(reader: DatagramReader, analyzer: RTPStreamAnalyzer) {
      let streams = analyzer.streams
      read = reader.recordsRead
      self.streams = streams.count
      packets = streams.reduce(0) { $0 + $1.packets }
      untracked = analyzer.untrackedPackets
      parseErrors = analyzer.invalidRTP
      skipped = reader.skipped.total + analyzer.notRTP + analyzer.unconfirmedPackets
      fragments = reader.fragmentsReassembled
      truncated = analyzer.truncatedPackets
    }

    mutating func add(_ other: Counters) {
      read += other.read
      streams += other.streams
      packets += other.packets
      untracked += other.untracked
      parseErrors += other.parseErrors
      skipped += other.skipped
      fragments += other.fragments
      truncated += other.truncated
    }

    var json: StatisticsJSON {
      var json = StatisticsJSON()
      json.add("read", read)
      json.add("streams", streams)
      json.add("packets", packets)
      json.add("untracked", untracked)
      json.add("parseErrors", parseErrors)
      json.add("skipped", skipped)
      json.add("fragments", fragments)
      json.add("truncated", truncated)
      return json
    }
  }

  /// One line on standard error when records or datagrams carried no RTP.
  private func reportSkipped(name: String, analyzer: RTPStreamAnalyzer, records: Analysis) {
    let skipped = records.skippedRecords
    var parts = skipped.nonZero.map { "\($0.count) \($0.reason)" }
    if analyzer.notRTP > 0 { parts.append("\(analyzer.notRTP) UDP not RTP") }
    if analyzer.invalidRTP > 0 { parts.append("\(analyzer.invalidRTP) invalid RTP") }
    let unconfirmed = analyzer.unconfirmedPackets
    if unconfirmed > 0 {
      parts.append("\(unconfirmed) RTP-like with no two packets of their flow in sequence")
    }
    if analyzer.untrackedPackets > 0 {
      parts.append("\(analyzer.untrackedPackets) RTP beyond \(analyzer.limit) streams")
    }
    let total =
      skipped.total + analyzer.notRTP + analyzer.invalidRTP + unconfirmed
      + analyzer.untrackedPackets
    guard total > 0 else { return }
    Terminal.printError(
      "rtpstat: \(name): skipped \(total) packets: \(parts.joined(separator: ", "))")
  }
}
