import ArgumentParser
import RTPCaptures
import RTPIO
import RTPNetwork
import RTPSessions
import RTPToolSupport

/// What ended a recording.
enum StopReason {
  case count, duration, idleTimeout, signal, writeFailure, bye
}

@main
struct RTPRecv: ToolCommand {
  /// SIGINT and SIGTERM end the recording with a valid capture, however early they come.
  static let waitsForSignals = true

  static let configuration = CommandConfiguration(
    commandName: "rtprecv",
    abstract: "Receive UDP datagrams (RTP) and write them as a capture.",
    discussion: """
      Listens on one UDP port or a range of ports and writes every datagram that arrives to \
      standard output as pcap (or --format), with the kernel's receive time and the real \
      source address and port. Stops on --count, --duration, --idle-timeout, SIGINT or \
      SIGTERM, always leaving a complete capture. Exit status 2 when --idle-timeout ended it \
      before any datagram was received (an idle timeout after datagrams is the normal end, 0).
      """,
    version: ToolVersion.current)

  /// The exit status when the idle timeout ended a recording that received nothing.
  static let idleTimeoutStatus: Int32 = 2

  /// How long a datagram may wait in the output buffer before a reader of the capture sees it.
  static let flushInterval = Duration.milliseconds(100)

  @Option(
    help: ArgumentHelp(
      "Address and port to listen on, HOST:PORT or HOST:PORT-PORT (up to 4096 ports).",
      valueName: "host:port"))
  var listen: ListenRange

  @Option(help: ArgumentHelp("Stop after writing this many datagrams.", valueName: "packets"))
  var count: Int?

  @Option(
    help: ArgumentHelp("Stop after this many seconds (decimals allowed).", valueName: "seconds"))
  var duration: DecimalSeconds?

  @Option(
    name: .customLong("idle-timeout"),
    help: ArgumentHelp(
      "Stop when nothing has arrived for this many seconds (exit status 2 if nothing ever did).",
      valueName: "seconds"))
  var idleTimeout: DecimalSeconds?

  @Option(
    help: ArgumentHelp(
      "Accept datagrams from this address only; count the others as rejected.", valueName: "host"))
  var peer: String?

  @Option(help: "Output format: pcap, pcap-ns, pcapng or rtpdump.")
  var format: OutputFormat = .pcap

  @Option(
    name: .customShort("o"),
    help: ArgumentHelp("Write to FILE instead of standard output.", valueName: "file"),
    completion: .file())
  var outputPath: String?

  @Flag(
    help:
      "Run RTCP: listen on the next port too, answer with receiver reports, report the peer's SDES and BYE."
  )
  var rtcp = false

  @Flag(name: .customLong("rtcp-mux"), help: "With --rtcp, RTCP on the listening port itself.")
  var rtcpMux = false

  @Flag(name: .customLong("until-bye"), help: "With --rtcp, stop when the peer says BYE.")
  var untilBye = false

  @Option(help: ArgumentHelp("With --rtcp, the TOOL item of the SDES.", valueName: "name"))
  var tool = "rtprecv"

  @Flag(help: "Print counters as one JSON object on standard error at the end.")
  var stats = false

  mutating func validate() throws {
    if let count, count < 1 { throw ValidationError("--count must be at least 1") }
    if let duration, duration.nanoseconds <= 0 {
      throw ValidationError("--duration must be positive")
    }
    if let idleTimeout, idleTimeout.nanoseconds <= 0 {
      throw ValidationError("--idle-timeout must be positive")
    }
    if listen.ports.count > ListenRange.maximumPorts {
      throw ValidationError("--listen covers at most \(ListenRange.maximumPorts) ports")
    }
    if rtcp && listen.ports.count > 1 { throw ValidationError("--rtcp listens on one port") }
    if (rtcpMux || untilBye) && !rtcp {
      throw ValidationError("--rtcp-mux and --until-bye need --rtcp")
    }
  }

  /// Whether `--stats` has been printed: so that it is printed on every exit path, a failure
  /// before recording (a name that does not resolve, a port in use) included.
  private final class StatisticsReport {
    var printed = false
  }

  mutating func execute() throws {
    let report = StatisticsReport()
    do {
      try record(report)
    } catch {
      if stats && !report.printed {
        var json = StatisticsJSON()
        for key in ["received", "kernelDrops", "rejected", "notRTP", "written", "notWritten"] {
          json.add(key, 0)
        }
        Terminal.printError(json.description)
      }
      throw error
    }
  }

  private func record(_ report: StatisticsReport) throws {
    // Before any thread starts, so that every thread inherits the blocked signals.
    let signals = SignalWaiter()
    // One socket a port: ask for as many descriptors as that takes, up to the hard limit.
    Terminal.raiseDescriptorLimit(toAtLeast: listen.ports.count + 64)
    let local: Endpoint
    let peerAddress: IPAddress?
    do {
      local = try HostResolver.resolve(listen.host, port: 0)
      peerAddress = try peer.map { try HostResolver.resolve($0, port: 0).address }
    } catch {
      throw ToolFailure(.unavailable, "\(error)")
    }
    let family: AddressFamily
    if case .v4 = local.address { family = .ipv4 } else { family = .ipv6 }

    let outputFile = try OutputFile(path: outputPath, binary: true)
    let sink = OutputSink(fileDescriptor: outputFile.descriptor)
    let (captureFormat, precision) = format.writerSettings
    let writer: CaptureWriter
    do {
      writer = try CaptureWriter(sink: sink, format: captureFormat, precision: precision)
    } catch {
      throw outputFailure(error, output: outputFile)
    }
    let recorder = CaptureRecorder(writer: writer, peer: peerAddress, limit: count)

    let control = RTPControl(name: "rtprecv")
    defer { control.shutdown() }
    var session: ReceiverSession? = nil
    let server: RTPServer
    var channels: [RTPChannel] = []
    do {
      server = try RTPServer(name: "rtprecv")
      if rtcp {
        var configuration = RTPSessionConfiguration(
          peer: peerAddress, receivePort: listen.ports.lowerBound, payloadType: 0, toolName: tool)
        configuration.bindAddress = local
        configuration.rtcp = rtcpMux ? .multiplexed : .separatePort
        configuration.receiveBufferSize = 8 << 20
        configuration.sendQueueSize = 8
        let made = try ReceiverSession(configuration: configuration, recorder: recorder)
        try control.startSession(control.addSession(made))
        session = made
        if let channel = made.rtpChannel { channels.append(channel) }
      }
      for port in listen.ports where !rtcp {
        channels.append(
          try server.createChannel(
            onDatagram: { bytes, source, destination, time in
              recorder.record(bytes, source: source, destination: destination, time: time.realtime)
            }, bindingTo: Endpoint(address: local.address, port: port, scopeID: local.scopeID),
            options: .receiveOnly(family: family, receiveBufferSize: 8 << 20)))
      }
    } catch {
      throw ToolFailure(network: error)
    }

    let reason = wait(for: recorder, session: session, signals: signals)
    control.stop()
    control.shutdown()
    server.shutdown()
    var totals = RTPChannelCounters()
    for channel in channels {
      let counters = channel.counters
      totals.received += counters.received
      totals.kernelDrops += counters.kernelDrops
    }
    var finishFailure: IOError? = nil
    do {
      try recorder.finish()
    } catch {
      finishFailure = error
    }
    if finishFailure == nil { try outputFile.close() }

    if stats {
      var json = StatisticsJSON()
      json.add("received", recorder.received)
      json.add("kernelDrops", totals.kernelDrops)
      json.add("rejected", recorder.rejected)
      json.add("notRTP", recorder.notRTP)
      json.add("written", recorder.written)
      json.add("notWritten", recorder.notWritten)
      Terminal.printError(json.description)
      report.printed = true
    }
    if let finishFailure { throw outputFailure(finishFailure, output: outputFile) }
    // Datagrams from the peer (all of them without --peer): a recording that had some and
    // then fell idle ended normally; one that never had any says so.
    if reason == .idleTimeout && recorder.received - recorder.rejected == 0 {
      throw ExitCode(Self.idleTimeoutStatus)
    }
  }

  /// Waits on the main thread, collecting signals, until something ends the recording.
  private func wait(
    for recorder: CaptureRecorder, session: ReceiverSession?, signals: SignalWaiter
  ) -> StopReason {
    let started = NetworkClock.monotonic
    var lastActivity = started
    var lastReceived = 0
    var lastFlush = started
    let poll: Int64 = 5_000_000
    while true {
      if signals.wait(nanoseconds: poll) != nil { return .signal }
      if NetworkClock.monotonic - lastFlush >= Self.flushInterval {
        recorder.flushPending()
        lastFlush = NetworkClock.monotonic
      }
      if recorder.failure != nil { return .writeFailure }
      if recorder.isComplete { return .count }
      if untilBye, session?.sawBye == true { return .bye }
      let now = NetworkClock.monotonic
      let received = recorder.received
      if received != lastReceived {
        lastReceived = received
        lastActivity = now
      }
      if let duration, now - started >= .nanoseconds(duration.nanoseconds) { return .duration }
      if let idleTimeout, now - lastActivity >= .nanoseconds(idleTimeout.nanoseconds) {
        return .idleTimeout
      }
    }
  }

  /// A write failure: quiet for a closed pipe, else exit 74 naming the output.
  private func outputFailure(_ error: IOError, output: OutputFile) -> Error {
    if error == .brokenPipe { return error }
    return ToolFailure(.ioError, "\(output.displayName): \(error)")
  }
}
