import ArgumentParser
import RTPCore
import RTPToolSupport

@main
struct RTPStat: ToolCommand {
  static let configuration = CommandConfiguration(
    commandName: "rtpstat",
    abstract: "Print per-stream RTP statistics of a capture, as tshark -z rtp,streams does.",
    discussion: """
      Reads a capture (pcap, pcapng or rtpdump) from FILE or standard input and prints, for \
      each RTP stream (an SSRC between two UDP endpoints), its start and end, addresses, \
      SSRC, payload, packets, lost packets, minimum, mean and maximum delta and jitter, \
      duplicates, reordered packets and whether it has problems. Jitter needs the payload's \
      clock rate: static payload types have one; give dynamic ones with --clock-rate.
      """,
    version: ToolVersion.current)

  @Argument(help: "The capture to read ('-' or none for standard input).", completion: .file())
  var file: String?

  @Flag(help: "Print a JSON array with one object per stream instead of the table.")
  var json = false

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

  mutating func execute() throws {
    let input = try InputFile(path: file)
    defer { input.close() }
    let name = input.displayName
    var rates: [UInt8: Int] = [:]
    for argument in clockRates { rates[argument.payloadType] = argument.rate }
    var analyzer = RTPStreamAnalyzer(
      clockRates: rates, sampleLimit: plot == nil ? 0 : Self.plotSamples)

    var inputFailure: CaptureError? = nil
    var skipped = SkipCounters()
    var counts = StatisticsJSON()
    let meter = ProgressMeter(
      tool: "rtpstat", unit: "packets", requested: progress, input: input.descriptor)
    defer { meter?.finish() }
    do {
      let source = InputSource(fileDescriptor: input.descriptor)
      meter?.track(source)
      let reader = try DatagramReader(source: source)
      do {
        try analyzer.read(from: reader, progress: meter?.handler)
      } catch {
        inputFailure = error
      }
      skipped = reader.skipped
      counts = Self.counters(reader: reader, analyzer: analyzer)
    } catch {
      inputFailure = error
    }
    meter?.finish()

    let text =
      json ? RTPStreamReport.json(analyzer.streams) : RTPStreamReport.table(analyzer.streams)
    try write(text, to: outputPath)
    if let plot { try write(RTPStreamPlot.svg(analyzer.streams), to: plot) }

    reportSkipped(name: name, records: skipped, analyzer: analyzer)
    if stats { Terminal.printError(counts.description) }
    if let inputFailure {
      if case .io = inputFailure { throw ToolFailure(.ioError, "\(name): \(inputFailure)") }
      throw ToolFailure(.dataError, "\(name): \(inputFailure)")
    }
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
  /// (`skipped`: records that held no UDP and datagrams that held no RTP; `parseErrors`: RTP
  /// that failed validation; `untracked`: RTP of streams past the table's limit).
  private static func counters(reader: DatagramReader, analyzer: RTPStreamAnalyzer)
    -> StatisticsJSON
  {
    var json = StatisticsJSON()
    json.add("read", reader.recordsRead)
    json.add("streams", analyzer.streams.count)
    json.add("packets", analyzer.streams.reduce(0) { $0 + $1.packets })
    json.add("untracked", analyzer.untrackedPackets)
    json.add("parseErrors", analyzer.invalidRTP)
    json.add("skipped", reader.skipped.total + analyzer.notRTP)
    json.add("fragments", reader.fragmentsHeld)
    return json
  }

  /// One line on standard error when records or datagrams carried no RTP.
  private func reportSkipped(name: String, records: SkipCounters, analyzer: RTPStreamAnalyzer) {
    var parts = records.nonZero.map { "\($0.count) \($0.reason)" }
    if analyzer.notRTP > 0 { parts.append("\(analyzer.notRTP) UDP not RTP") }
    if analyzer.invalidRTP > 0 { parts.append("\(analyzer.invalidRTP) invalid RTP") }
    if analyzer.untrackedPackets > 0 {
      parts.append("\(analyzer.untrackedPackets) RTP beyond \(analyzer.limit) streams")
    }
    let total =
      records.total + analyzer.notRTP + analyzer.invalidRTP + analyzer.untrackedPackets
    guard total > 0 else { return }
    Terminal.printError(
      "rtpstat: \(name): skipped \(total) packets: \(parts.joined(separator: ", "))")
  }
}
