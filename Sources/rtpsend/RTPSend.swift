import ArgumentParser
import RTPCore
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
      each a stream of its own, to N consecutive ports from one socket.
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

  mutating func execute() throws {
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
    if repetitions > 1 && !Terminal.isRegularFile(descriptor) {
      let copy = try SpoolFile(copyingCapture: descriptor, inputName: input.displayName)
      spool = copy
      descriptor = copy.descriptor
    }

    let control = RTPControl(name: "rtpsend")
    defer { control.shutdown() }
    var cookie: RTPSessionCookie? = nil
    let sender: RTPSender
    do {
      var session: RTPSession? = nil
      if rtcp {
        let made = try makeSession(destination: destination, local: local)
        let added = try control.addSession(made)
        try control.startSession(added)
        session = made
        cookie = added
      }
      sender = try RTPSender(
        destination: destination, local: local, streams: streams, pace: pace, speed: speed,
        session: session)
    } catch {
      throw ToolFailure(network: error)
    }
    let meter = ProgressMeter(
      tool: "rtpsend", unit: "packets", requested: progress, input: descriptor,
      passes: repetitions)
    defer { meter?.finish() }
    let start = (try? descriptor.seek(offset: 0, from: .current)) ?? 0
    let outcome = sender.send(repetitions: repetitions, progress: meter?.handler) {
      repetition throws(CaptureError) in
      if repetition > 0 {
        do {
          _ = try descriptor.seek(offset: start, from: .start)
        } catch {
          throw .io(.readFailed(offset: UInt64(start), errno: error as? Errno ?? .ioError))
        }
        meter?.startPass()
      }
      let source = InputSource(fileDescriptor: descriptor)
      meter?.track(source)
      return try DatagramReader(source: source)
    }
    let result = sender.finish {
      if let cookie { try? control.stopSession(cookie) }
    }
    meter?.finish()

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
      json.add("latenessP50Ms", Double(result.lateness.percentile(0.5)) / 1e6)
      json.add("latenessP99Ms", Double(result.lateness.percentile(0.99)) / 1e6)
      json.add("latenessMaxMs", Double(result.lateness.maximum) / 1e6)
      Terminal.printError(json.description)
    }
    if let failure = outcome {
      if case .io = failure { throw ToolFailure(.ioError, "\(input.displayName): \(failure)") }
      throw ToolFailure(.dataError, "\(input.displayName): \(failure)")
    }
  }

  /// The RTCP session of `--rtcp`: RTP from its socket (`--bind`'s port, or an even port the
  /// kernel picks with RTCP on the next), to `--to`, RTCP to the port after or to the same.
  private func makeSession(destination: Endpoint, local: Endpoint?) throws -> RTPSession {
    var configuration = RTPSessionConfiguration(
      peer: destination.address, sendPort: destination.port, receivePort: local?.port ?? 0,
      payloadType: 0, toolName: tool)
    configuration.bindHost = local.map { "\($0.address)" }
    configuration.rtcp = rtcpMux ? .multiplexed : .separatePort
    configuration.sendQueueSize = RTPSender.queueSize(streams: 1)
    configuration.maxPacketSize = RTPSender.maximumPacketSize
    configuration.receiveBufferSize = 1 << 16
    configuration.sendBufferSize = 4 << 20
    return try RTPSession(configuration: configuration)
  }
}
