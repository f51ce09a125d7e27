import ArgumentParser
import RTPCaptures
import RTPIO
import RTPNetwork
import RTPPackets
import RTPSessions
import RTPToolSupport
import SystemPackage

@main
struct RTPSend: ToolCommand {
  static let configuration = CommandConfiguration(
    commandName: "rtpsend",
    abstract: "Send the UDP datagrams of a capture (RTP) to a host and port, paced.",
    discussion: """
      Reads a capture (pcap, pcapng or rtpdump) from FILE or standard input and sends each UDP \
      datagram's payload to --to, at the capture's timing (--pace capture), at the RTP \
      timestamps' (--pace rtp) or as fast as possible (--pace none). --streams sends N copies, \
      each a stream of its own, to N consecutive ports from one socket. A dynamic payload \
      type's clock rate comes from --clock-rate, else from the capture's own times. Exit \
      status 65 when the input holds no RTP, 69 when every send failed.
      """,
    version: ToolVersion.current)

  @Argument(help: "The capture to read ('-' or none for standard input).", completion: .file())
  var file: String?

  @Option(
    help: ArgumentHelp("Destination, HOST:PORT (IPv4, IPv6 or a name).", valueName: "host:port"))
  var to: String

  @Option(help: ArgumentHelp("Send from this local address and port.", valueName: "host:port"))
  var bind: String?

  @Option(help: "Pacing: capture (the capture's times), rtp (RTP timestamps) or none.")
  var pace: PacingMode = .capture

  @Option(
    help: ArgumentHelp("Play faster (2) or slower (0.5) than real time.", valueName: "factor"))
  var speed: Double = 1

  @Option(
    name: .customLong("clock-rate"),
    help: ArgumentHelp(
      "Clock rate of a payload type, for --pace rtp and --rtcp (repeatable), such as 96=48000.",
      valueName: "pt=hz"))
  var clockRates: [ClockRateArgument] = []

  @Option(
    name: .customLong("max-gap"),
    help: ArgumentHelp(
      "Cut any wait between two packets to this many seconds (decimals allowed).",
      valueName: "seconds"))
  var maxGap: DecimalSeconds?

  @Option(
    name: .customLong("loop"),
    help: ArgumentHelp("Send the input this many times, as one stream.", valueName: "n"))
  var repetitions = 1

  @Option(
    help: ArgumentHelp(
      "Send this many copies to consecutive ports, each with its own SSRC.", valueName: "n"))
  var streams = 1

  @Flag(
    help: "Run RTCP: sender reports and SDES to the next port, and a BYE at the end.")
  var rtcp = false

  @Flag(name: .customLong("rtcp-mux"), help: "With --rtcp, send RTCP to the RTP port itself.")
  var rtcpMux = false

  @Option(help: ArgumentHelp("With --rtcp, the TOOL item of the SDES.", valueName: "name"))
  var tool = "rtpsend"

  @Flag(help: "Print counters as one JSON object on standard error at the end.")
  var stats = false

  @Flag(help: "Show progress on standard error (only ever when it is a terminal).")
  var progress = false

  mutating func validate() throws {
    guard speed.isFinite, speed > 0 else { throw ValidationError("--speed must be positive") }
    if let maxGap, maxGap.nanoseconds <= 0 { throw ValidationError("--max-gap must be positive") }
    guard repetitions >= 1 else { throw ValidationError("--loop must be at least 1") }
    guard (1...RTPSender.maximumStreams).contains(streams) else {
      throw ValidationError("--streams must be 1 to \(RTPSender.maximumStreams)")
    }
    guard Endpoint.split(to) != nil else {
      throw ValidationError("--to must be HOST:PORT, not '\(to)'")
    }
    if let bind, Endpoint.split(bind) == nil {
      throw ValidationError("--bind must be HOST:PORT, not '\(bind)'")
    }
    if rtcp && streams > 1 { throw ValidationError("--rtcp sends one stream: no --streams") }
    if rtcpMux && !rtcp { throw ValidationError("--rtcp-mux needs --rtcp") }
  }

  /// What has been read so far, and whether `--stats` has been printed: so that it is printed on
  /// every exit path, a failure before sending included.
  private final class StatisticsReport {
    var read = 0
    var printed = false
  }

  mutating func execute() throws {
    let report = StatisticsReport()
    do {
      try send(report)
    } catch {
      if stats && !report.printed {
        var json = StatisticsJSON()
        json.add("read", report.read)
        for key in ["sent", "sendErrors", "queueFull", "discarded", "oversized", "unsendable"] {
          json.add(key, 0)
        }
        json.add("skipped", 0)
        Terminal.printError(json.description)
      }
      throw error
    }
  }

  private func send(_ report: StatisticsReport) throws {
    let (host, port) = Endpoint.split(to)!
    guard Int(port) + streams - 1 <= Int(UInt16.max) else {
      throw ToolFailure(.usage, "--to port \(port) + --streams \(streams) passes port 65535")
    }
    let destination: Endpoint
    let local: Endpoint?
    do {
      destination = try HostResolver.resolve(host, port: port)
      local = try bind.map { text in
        let (bindHost, bindPort) = Endpoint.split(text)!
        let family: AddressFamily = destination.address.isIPv6 ? .ipv6 : .ipv4
        return try HostResolver.resolve(bindHost, port: bindPort, family: family)
      }
    } catch {
      throw ToolFailure(.unavailable, "\(error)")
    }

    let input = try InputFile(path: file)
    defer { input.close() }
    var spool: SpoolFile? = nil
    defer { spool?.close() }
    var descriptor = input.descriptor
    // A second read: --loop, and the scan for clock rates that --pace rtp and --rtcp need.
    let scans = pace == .rtp || rtcp
    if (repetitions > 1 || scans) && !Terminal.isRegularFile(descriptor) {
      let copy = try SpoolFile(copyingCapture: descriptor, inputName: input.displayName)
      spool = copy
      descriptor = copy.descriptor
    }
    let start = (try? descriptor.seek(offset: 0, from: .current)) ?? 0
    let rates =
      try scans
      ? clockRates(of: descriptor, from: start, name: input.displayName, report: report) : [:]

    let control = RTPControl(name: "rtpsend")
    defer { control.shutdown() }
    var cookie: RTPSessionCookie? = nil
    var senderSession: SenderSession? = nil
    let sender: RTPSender
    do {
      var session: RTPSession? = nil
      if rtcp {
        let made = try makeSession(destination: destination, local: local, rates: rates)
        let added = try control.addSession(made)
        try control.startSession(added)
        session = made
        senderSession = made
        cookie = added
      }
      sender = try RTPSender(
        destination: destination, local: local, streams: streams, pace: pace, speed: speed,
        maxGap: maxGap.map { .nanoseconds($0.nanoseconds) }, clockRates: rates,
        through: session)
    } catch {
      throw ToolFailure(network: error)
    }
    let name = input.displayName
    sender.longGapHandler = { gap in
      let when = gap.map { "in \(Self.seconds($0)) s" } ?? "never (more than 292 years away)"
      Terminal.printError(
        "rtpsend: \(name): the next packet is due \(when); --max-gap cuts long gaps")
    }
    let meter = ProgressMeter(
      tool: "rtpsend", unit: "packets", requested: progress, input: descriptor,
      passes: repetitions)
    defer { meter?.finish() }
    let outcome = sender.send(repetitions: repetitions, progress: meter?.handler) {
      repetition throws(CaptureError) in
      if repetition > 0 || scans {
        do {
          _ = try descriptor.seek(offset: start, from: .start)
        } catch {
          throw .io(.readFailed(offset: UInt64(start), errno: error as? Errno ?? .ioError))
        }
        if repetition > 0 { meter?.startPass() }
      }
      let source = InputSource(fileDescriptor: descriptor)
      meter?.track(source)
      return try DatagramReader(source: source)
    }
    let result = sender.finish {
      if let cookie { try? control.stopSession(cookie) }
    }
    meter?.finish()

    reportSkipped(name: input.displayName, records: result.skipped)
    if result.oversized > 0 {
      Terminal.printError(
        "rtpsend: \(input.displayName): \(result.oversized) datagrams longer than "
          + "\(RTPSender.maximumPacketSize) bytes not sent")
    }
    if stats {
      var json = StatisticsJSON()
      json.add("read", result.read)
      json.add("sent", result.counters.sent)
      json.add("sendErrors", result.counters.sendErrors)
      json.add("queueFull", result.counters.queueFull)
      json.add("discarded", result.counters.discarded)
      json.add("oversized", result.oversized)
      json.add("unsendable", result.unsendable)
      json.add("skipped", result.skipped.total)
      json.add("latenessP50Ms", Self.milliseconds(result.lateness.percentile(0.5)))
      json.add("latenessP99Ms", Self.milliseconds(result.lateness.percentile(0.99)))
      json.add("latenessMaxMs", Self.milliseconds(result.lateness.maximum))
      if let session = senderSession {
        Self.addPeerReports(session.peerReports, to: &json)
      }
      Terminal.printError(json.description)
      report.printed = true
    }
    if let failure = outcome {
      throw ToolFailure(capture: failure, name: input.displayName)
    }
    if result.rtp == 0 {
      let others = result.read > 0 ? " (\(result.read) UDP datagrams, none of them RTP)" : ""
      throw ToolFailure(.dataError, "\(input.displayName): no RTP packets\(others)")
    }
    let failed = result.counters.sendErrors + result.unsendable
    if result.counters.sent == 0 && failed > 0 {
      let why = result.counters.lastSendError.map { ": \($0.errno)" } ?? ""
      throw ToolFailure(.unavailable, "\(to): every send failed (\(failed) datagrams)\(why)")
    }
  }

  /// The clock rates for pacing and RTCP: `--clock-rate`'s, and for each dynamic payload type of
  /// the input without one, the rate its own times show (said on standard error), read from
  /// `descriptor` at `start`, which is left there. A type whose rate cannot be inferred is
  /// status 65, naming --clock-rate.
  private func clockRates(
    of descriptor: FileDescriptor, from start: Int64, name: String, report: StatisticsReport
  ) throws -> [UInt8: Int] {
    var rates = ClockRateArgument.table(clockRates)
    var estimator = ClockRateEstimator()
    // A damaged input fails in the send that follows, after what it holds before the damage.
    if let reader = try? DatagramReader(source: InputSource(fileDescriptor: descriptor)) {
      _ = estimator.observe(all: reader)
      report.read = reader.recordsRead
    }
    do {
      _ = try descriptor.seek(offset: start, from: .start)
    } catch {
      throw ToolFailure(.ioError, "\(name): cannot read it again: \(error)")
    }
    for payloadType in estimator.payloadTypes.sorted()
    where rates[payloadType] == nil
      && RTPPayloadTypeRegistry.clockRate(payloadType) == nil
    {
      guard let estimate = estimator.estimate(payloadType: payloadType) else {
        throw ToolFailure(
          .dataError,
          "\(name): payload type \(payloadType): its clock rate cannot be inferred from the "
            + "capture's times (one packet, or no time between packets): give --clock-rate "
            + "\(payloadType)=HZ")
      }
      rates[payloadType] = estimate.rate
      Terminal.printError(
        "rtpsend: \(name): payload type \(payloadType): clock rate \(estimate.rate) Hz, "
          + "inferred from the capture's times (\(Int(estimate.measured.rounded())) Hz measured);"
          + " --clock-rate \(payloadType)=HZ sets it")
    }
    return rates
  }

  /// One line on standard error when records carried no UDP datagram (as rtpjb and rtpstat
  /// say it).
  private func reportSkipped(name: String, records: SkipCounters) {
    guard records.total > 0 else { return }
    let parts = records.nonZero.map { "\($0.count) \($0.reason)" }
    Terminal.printError(
      "rtpsend: \(name): skipped \(records.total) packets: \(parts.joined(separator: ", "))")
  }

  /// `--stats`' keys for the peer's reports with `--rtcp`: how many, and the last one's values
  /// (`null` before any, and for the round trip without an LSR).
  private static func addPeerReports(
    _ reports: (count: Int, last: PeerReceptionReport?), to json: inout StatisticsJSON
  ) {
    json.add("peerReports", reports.count)
    if let last = reports.last {
      json.add("peerFractionLost", last.fractionLost)
      json.add("peerCumulativeLost", last.cumulativeLost)
      json.add("peerJitterMs", last.jitterMilliseconds)
    } else {
      json.add("peerFractionLost", Double.nan)
      json.add("peerCumulativeLost", Double.nan)
      json.add("peerJitterMs", Double.nan)
    }
    json.add("peerRoundTripMs", reports.last?.roundTripMilliseconds ?? .nan)
  }

  /// `duration` as seconds with one decimal, truncated.
  private static func seconds(_ duration: Duration) -> String {
    let tenths = duration.saturatingNanoseconds / 100_000_000
    return "\(tenths / 10).\(tenths % 10)"
  }

  /// `duration` in milliseconds, to the nanosecond, for the statistics.
  private static func milliseconds(_ duration: Duration) -> Double {
    Double(duration.saturatingNanoseconds) / 1e6
  }

  /// The RTCP session of `--rtcp`: RTP from its socket (`--bind`'s port, or an even port the
  /// kernel picks with RTCP on the next), to `--to`, RTCP to the port after or to the same.
  private func makeSession(destination: Endpoint, local: Endpoint?, rates: [UInt8: Int]) throws
    -> SenderSession
  {
    var configuration = RTPSessionConfiguration(
      peer: destination.address, sendPort: destination.port, receivePort: local?.port ?? 0,
      payloadType: 0, toolName: tool)
    configuration.bindAddress = local
    configuration.rtcp = rtcpMux ? .multiplexed : .separatePort
    configuration.sendQueueSize = RTPSender.queueSize(streams: 1)
    configuration.maxPacketSize = RTPSender.maximumPacketSize
    configuration.receiveBufferSize = 1 << 16
    configuration.sendBufferSize = 4 << 20
    configuration.payloadClockRates = rates
    return try SenderSession(configuration: configuration)
  }
}
