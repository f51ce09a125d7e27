import RTPBase
import RTPCaptures
import RTPNetwork
import RTPPackets
import RTPPlayout
import Synchronization

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#endif

/// One RTP session with one peer, the seed's `RTPSession`: subclass it and override the hooks
/// (``start()``, ``stop()``, ``incomingRTP(cookie:timestamp:payload:previousLost:)``,
/// ``dropCall(reason:)``), then run it in an ``RTPControl``.
///
/// The session sends RTP with ``send(data:timestamp:marker:at:)-(UnsafeRawBufferPointer,_,_,_)`` and receives the peer's through
/// a jitter buffer, delivering payloads in sequence order with `previousLost` set when the
/// packet before was lost (the seed's `read_recovery_journal`). It runs RTCP per RFC 3550: a
/// sender report (real NTP time and the matching RTP timestamp, packet and octet counts) when it
/// has sent in the last two intervals, else a receiver report; a report block on the peer
/// (fraction and cumulative loss, extended highest sequence number, interarrival jitter,
/// LSR/DLSR, from ``/RTPPackets/ReceptionStatistics``); SDES with CNAME and TOOL; the randomised interval of
/// appendix A.7; a BYE when stopped. RTCP goes on the RTP port + 1 or on the RTP port itself
/// (``RTCPTransport``).
///
/// ``dropCall(reason:)`` is called exactly once per run: on the peer's BYE, when nothing came
/// from the peer for ``RTPSessionConfiguration/timeoutIntervals`` RTCP intervals, or when the
/// sockets fail. Stopping the session is not a drop.
///
/// Threads: ``incomingRTP(cookie:timestamp:payload:previousLost:)`` and ``incomingRTCP(cookie:compound:source:)``
/// run on the control's network worker, ``dropCall(reason:)`` there or on its RTCP timer
/// thread; keep them short. ``send(data:timestamp:marker:at:)-(UnsafeRawBufferPointer,_,_,_)`` may be called from any thread,
/// hooks included. A subclass's own state is its own to protect.
open class RTPSession: @unchecked Sendable {
  // @unchecked: shared mutable state is in `state` and `runtime` (Mutexes) and atomics; the
  // jitter buffer and `pendingLoss` are touched only by the network worker while the RTP
  // channel is open and by `close()` after closing it (close waits for the worker's callbacks);
  // `scratch` only with `state` held.

  /// What the session was made with.
  public let configuration: RTPSessionConfiguration
  /// The CNAME sent in SDES.
  public let cname: String

  private let state: LockedValue<RTPSessionState>
  private let runtime = LockedValue<Runtime?>(nil)
  private let dropped = Atomic<Bool>(false)
  private let stopping = Atomic<Bool>(false)
  private let jitterBuffer: JitterBuffer
  private var pendingLoss = false
  private let scratch: UnsafeMutableRawBufferPointer
  private let deliveredCount = Atomic<Int>(0)
  private let lostCount = Atomic<Int>(0)
  private let lateCount = Atomic<Int>(0)
  private let duplicateCount = Atomic<Int>(0)
  let owner = LockedValue<ObjectIdentifier?>(nil)

  /// The sockets and timer of a running session.
  private struct Runtime: Sendable {
    var cookie: RTPSessionCookie
    var rtpChannel: RTPChannel
    var rtcpChannel: RTPChannel?
    var timer: RTPProcChannel?
    var rtcpSocket: RTPChannel { rtcpChannel ?? rtpChannel }
  }

  /// A session made from `configuration`.
  ///
  /// - Throws: ``RTPSessionError`` when the configuration is invalid (no port at all, …).
  public init(configuration: RTPSessionConfiguration) throws(RTPSessionError) {
    try configuration.validate()
    self.configuration = configuration
    let initial = RTPSessionState(configuration: configuration)
    state = LockedValue(initial)
    cname = configuration.cname ?? "\(String(initial.ssrc, radix: 16))@\(Self.hostName)"
    jitterBuffer = JitterBuffer(
      capacity: configuration.jitterBufferSize,
      maxDelay: configuration.jitterBufferMaxDelay?.saturatingNanoseconds)
    scratch = .allocate(byteCount: configuration.maxPacketSize, alignment: 8)
  }

  /// A session with the seed's parameters: a peer (address or name), a send port and/or a
  /// receive port, a payload type, a jitter buffer size and a tool name.
  public convenience init(
    peer: String, sendPort: UInt16? = nil, receivePort: UInt16? = nil, payloadType: UInt8,
    jitterBufferSize: Int = 10, toolName: String = "rtpsynth"
  ) throws(RTPSessionError) {
    let address: IPAddress
    do {
      address = try HostResolver.resolve(peer, port: 0).address
    } catch {
      throw .network(error)
    }
    try self.init(
      configuration: RTPSessionConfiguration(
        peer: address, sendPort: sendPort, receivePort: receivePort, payloadType: payloadType,
        jitterBufferSize: jitterBufferSize, toolName: toolName))
  }

  deinit {
    scratch.deallocate()
  }

  // MARK: Hooks

  /// Called once the session's sockets are open, on the thread that started it: start what
  /// feeds the session.
  open func start() {}

  /// Called when the session has stopped (BYE sent, sockets closed, the jitter buffer's last
  /// packets delivered), on the thread that stopped it: stop what feeds the session.
  open func stop() {}

  /// Called for each RTP packet from the peer, in sequence order after the jitter buffer.
  ///
  /// - Parameters:
  ///   - cookie: The session's cookie in its control.
  ///   - timestamp: The packet's RTP timestamp.
  ///   - payload: The payload, valid only during the call.
  ///   - previousLost: Whether the packet before this one was lost (never arrived in time).
  open func incomingRTP(
    cookie: RTPSessionCookie, timestamp: UInt32, payload: UnsafeRawBufferPointer,
    previousLost: Bool
  ) {}

  /// Called for each valid compound RTCP packet from the peer, after the session has taken
  /// what it needs from it (reports, SDES, BYE).
  ///
  /// - Parameters:
  ///   - cookie: The session's cookie in its control.
  ///   - compound: The compound read in place, valid only during the call; ``/RTPPackets/RTCPCompound/init(_:)-(RTCPCompoundView)``
  ///     copies it into values.
  ///   - source: Where it came from.
  open func incomingRTCP(cookie: RTPSessionCookie, compound: RTCPCompoundView, source: Endpoint) {}

  /// Called for each report block the peer sends about this session's RTP (in its RR or SR), as
  /// it arrives, before ``incomingRTCP(cookie:compound:source:)`` for the same compound: what
  /// the peer receives of what this session sends.
  open func incomingReport(cookie: RTPSessionCookie, report: PeerReceptionReport) {}

  /// Called for every datagram that arrives on the session's sockets, before anything else,
  /// with the local address it arrived on (the address it was sent to, when the socket is bound
  /// to every address, and the socket's port): a tap for recording.
  open func incomingDatagram(
    _ bytes: UnsafeRawBufferPointer, source: Endpoint, local: Endpoint, time: ReceiveTime,
    isRTCPSocket: Bool
  ) {}

  /// Called exactly once per run when the call drops: the peer's BYE, a timeout or a socket
  /// error. The session keeps running until stopped.
  open func dropCall(reason: DropCallReason) {}

  // MARK: Sending

  /// Sends `data` as one RTP packet with RTP timestamp `timestamp` (in the session's clock's
  /// units; the application owns the timeline), leaving at `deadline` on the network clock
  /// (`nil` for now).
  ///
  /// - Throws: ``RTPSessionError/notRunning``, ``RTPSessionError/noDestination`` before the
  ///   peer is heard without a send port, ``RTPSessionError/network(_:)`` for a full queue
  ///   (the packet is not sent and its sequence number not used) or a closed socket.
  public func send(
    data: UnsafeRawBufferPointer, timestamp: UInt32, marker: Bool = false,
    at deadline: NetworkInstant? = nil
  ) throws(RTPSessionError) {
    guard let runtime = runtime.withLock({ $0 }) else { throw .notRunning }
    let failure: RTPSessionError? = state.withLock { state in
      guard let destination = configuration.rtpDestination ?? state.peerRTPSource else {
        return .noDestination
      }
      let total = RTPHeader.fixedLength + data.count
      guard total <= scratch.count else {
        return .network(.packetTooLarge(size: total, limit: scratch.count))
      }
      let headerLength = state.header(timestamp: timestamp, marker: marker, into: scratch)
      if !data.isEmpty {
        UnsafeMutableRawBufferPointer(rebasing: scratch[headerLength..<total]).copyMemory(
          from: data)
      }
      do throws(NetworkError) {
        try runtime.rtpChannel.send(
          UnsafeRawBufferPointer(rebasing: scratch[0..<total]), to: destination, at: deadline)
      } catch {
        return .network(error)
      }
      state.noteSent(
        payloadLength: data.count, timestamp: timestamp,
        departure: deadline ?? NetworkClock.monotonic)
      return nil
    }
    if let failure { throw reportSendFailure(failure) }
  }

  /// Sends `data` as one RTP packet; see ``send(data:timestamp:marker:at:)-(UnsafeRawBufferPointer,_,_,_)``.
  public func send(
    data: [UInt8], timestamp: UInt32, marker: Bool = false, at deadline: NetworkInstant? = nil
  ) throws(RTPSessionError) {
    let result: Result<Void, RTPSessionError> = data.withUnsafeBytes { bytes in
      Result { () throws(RTPSessionError) in
        try self.send(data: bytes, timestamp: timestamp, marker: marker, at: deadline)
      }
    }
    try result.get()
  }

  /// Sends a complete RTP packet built elsewhere (a replayed capture), counting it for the
  /// sender reports: its payload octets, and its timestamp with `deadline` for the SR's RTP
  /// timestamp. The session takes the first such packet's SSRC as its own when none was
  /// configured and no RTCP has gone out yet, so that reports describe the stream sent, and its
  /// payload type's clock rate (``RTPSessionConfiguration/payloadClockRates``, else a static
  /// type's) for the SR's RTP timestamp and the peer's jitter.
  public func sendPacket(_ packet: UnsafeRawBufferPointer, at deadline: NetworkInstant? = nil)
    throws(RTPSessionError)
  {
    guard let runtime = runtime.withLock({ $0 }) else { throw .notRunning }
    let parsed: RTPPacket
    do {
      parsed = try RTPPacket(validating: packet)
    } catch {
      throw .invalidPacket(error)
    }
    let failure: RTPSessionError? = state.withLock { state in
      guard let destination = configuration.rtpDestination ?? state.peerRTPSource else {
        return .noDestination
      }
      if state.ssrcAdoptable {
        state.ssrc = parsed.ssrc
        state.ssrcAdoptable = false
      }
      if let rate = configuration.payloadClockRates[parsed.payloadType]
        ?? RTPPayloadTypeRegistry.clockRate(parsed.payloadType)
      {
        state.sendClockRate = rate
      }
      do throws(NetworkError) {
        try runtime.rtpChannel.send(packet, to: destination, at: deadline)
      } catch {
        return .network(error)
      }
      state.noteSent(
        payloadLength: parsed.payload.count, timestamp: parsed.timestamp,
        departure: deadline ?? NetworkClock.monotonic)
      return nil
    }
    if let failure { throw reportSendFailure(failure) }
  }

  /// Sends a compound RTCP report now, outside the A.7 schedule (the schedule goes on).
  public func sendReport() throws(RTPSessionError) {
    guard let runtime = runtime.withLock({ $0 }) else { throw .notRunning }
    sendReport(on: runtime.rtcpSocket, goodbye: false)
  }

  private func reportSendFailure(_ failure: RTPSessionError) -> RTPSessionError {
    if case .network(.closed) = failure, !stopping.load(ordering: .acquiring) {
      drop(.socketError(.closed))
    }
    return failure
  }

  // MARK: What the session knows

  /// The SSRC the session sends with.
  public var ssrc: UInt32 { state.withLock { $0.ssrc } }

  /// The session's cookie while it runs.
  public var cookie: RTPSessionCookie? { runtime.withLock { $0?.cookie } }

  /// Whether the session is running (started and not stopped).
  public var isRunning: Bool { runtime.withLock { $0 != nil } }

  /// Whether ``dropCall(reason:)`` has been called in this run.
  public var isDropped: Bool { dropped.load(ordering: .acquiring) }

  /// The counters now.
  public var statistics: RTPSessionStatistics {
    var statistics = state.withLock { $0.statistics }
    statistics.delivered = deliveredCount.load(ordering: .relaxed)
    statistics.lost = lostCount.load(ordering: .relaxed)
    statistics.late = lateCount.load(ordering: .relaxed)
    statistics.duplicates = duplicateCount.load(ordering: .relaxed)
    return statistics
  }

  /// The reception statistics on the peer's RTP now (nil before its first packet).
  public var receptionStatistics: ReceptionStatistics? { state.withLock { $0.reception } }

  /// The peer's SDES, once it sent one.
  public var peerDescription: RTPPeerDescription? { state.withLock { $0.peerDescription } }

  /// The peer's SSRC, once heard.
  public var peerSSRC: UInt32? { state.withLock { $0.peerSSRC } }

  /// The last report block the peer sent about this session's RTP.
  public var lastReceivedReport: RTCPReportBlock? { state.withLock { $0.lastReceivedReport } }

  /// The round-trip time to the peer from its last report block with an LSR (RFC 3550 section
  /// 6.4.1).
  public var roundTripTime: Duration? { state.withLock { $0.roundTripTime } }

  /// The local address of the RTP socket while running.
  public var localRTPAddress: Endpoint? { runtime.withLock { $0?.rtpChannel.localAddress } }

  /// The local address of the RTCP socket while running (the RTP one when multiplexed).
  public var localRTCPAddress: Endpoint? { runtime.withLock { $0?.rtcpSocket.localAddress } }

  /// The RTP socket while running, for its counters, queue and lateness. Datagrams sent
  /// through it directly are not counted in the session's reports.
  public var rtpChannel: RTPChannel? { runtime.withLock { $0?.rtpChannel } }

  // MARK: Running (for RTPControl)

  /// Opens the sockets and the RTCP timer, then calls ``start()``.
  func open(server: RTPServer, proc: RTPProc, cookie: RTPSessionCookie) throws(RTPSessionError) {
    guard runtime.withLock({ $0 == nil }) else { return }
    dropped.store(false, ordering: .releasing)
    stopping.store(false, ordering: .releasing)
    let (rtp, rtcp) = try bind(server: server, cookie: cookie)
    state.withLock { $0.lastActivity = NetworkClock.monotonic }
    var current = Runtime(cookie: cookie, rtpChannel: rtp, rtcpChannel: rtcp, timer: nil)
    let socket = current.rtcpSocket
    do throws(RTPProcError) {
      current.timer = try proc.createChannel(name: "\(cookie)-rtcp") { now, deadline in
        self.tick(now: now, deadline: deadline, rtp: rtp, rtcp: rtcp, socket: socket)
      }
    } catch {
      // createChannel refuses only a scheduler that has been shut down.
      rtcp?.close()
      rtp.close()
      throw .schedulerShutDown
    }
    runtime.withLock { $0 = current }
    start()
  }

  /// Sends the BYE, closes the sockets, delivers what the jitter buffer held, then calls
  /// ``stop()``.
  func close() {
    guard let current = runtime.withLock({ $0 }) else { return }
    stopping.store(true, ordering: .releasing)
    try? current.timer?.close()
    sendReport(on: current.rtcpSocket, goodbye: true)
    current.rtcpChannel?.close()
    current.rtpChannel.close()
    runtime.withLock { $0 = nil }
    jitterBuffer.flush { handle($0, cookie: current.cookie) }
    stop()
  }

  private func bind(server: RTPServer, cookie: RTPSessionCookie) throws(RTPSessionError) -> (
    RTPChannel, RTPChannel?
  ) {
    let isIPv6 = configuration.peer?.isIPv6 ?? false
    let bindAddress = configuration.bindAddress
    let family: AddressFamily = isIPv6 ? .ipv6 : (bindAddress == nil ? .ipv4 : .auto)
    let port = configuration.receivePort ?? 0
    let address = bindAddress?.address ?? (family == .ipv6 ? .v6(.any) : .v4(.any))
    let scope = bindAddress?.scopeID ?? 0
    func channel(_ port: UInt16, rtcp: Bool) throws(NetworkError) -> RTPChannel {
      try server.createChannel(
        onDatagram: { bytes, source, destination, time in
          self.receive(
            bytes, source: source, local: destination, time: time, onRTCPSocket: rtcp,
            cookie: cookie)
        }, bindingTo: Endpoint(address: address, port: port, scopeID: scope),
        options: rtcp
          ? configuration.rtcpChannelOptions(family: family)
          : configuration.rtpChannelOptions(family: family))
    }
    do throws(NetworkError) {
      if configuration.rtcp == .multiplexed { return (try channel(port, rtcp: false), nil) }
      guard port == 0 else {
        // validate() refused 65535, which leaves no port for RTCP.
        let rtp = try channel(port, rtcp: false)
        do throws(NetworkError) {
          return (rtp, try channel(port + 1, rtcp: true))
        } catch {
          rtp.close()
          throw error
        }
      }
      // The kernel's port for RTP, and the next one for RTCP: try a few pairs while the next
      // port is taken; any other failure is the answer.
      var attempt = 0
      while true {
        attempt += 1
        let rtp = try channel(0, rtcp: false)
        let chosen = rtp.localAddress.port
        do throws(NetworkError) {
          guard chosen < .max else {
            throw .cannotBind(
              Endpoint(address: address, port: chosen, scopeID: scope),
              SystemError("bind", errno: .addressInUse))
          }
          return (rtp, try channel(chosen + 1, rtcp: true))
        } catch {
          rtp.close()
          guard case .cannotBind(_, let cause) = error, cause.errno == .addressInUse,
            attempt < 64
          else { throw error }
        }
      }
    } catch {
      throw .network(error)
    }
  }

  // MARK: Receiving (network worker)

  private func receive(
    _ bytes: UnsafeRawBufferPointer, source: Endpoint, local: Endpoint, time: ReceiveTime,
    onRTCPSocket: Bool, cookie: RTPSessionCookie
  ) {
    incomingDatagram(
      bytes, source: source, local: local, time: time, isRTCPSocket: onRTCPSocket)
    switch RTPPacketKind(classifying: bytes) {
    case .rtcp where onRTCPSocket || configuration.rtcp == .multiplexed:
      receiveRTCP(bytes, source: source, time: time, cookie: cookie)
    case .rtp where !onRTCPSocket:
      receiveRTP(bytes, source: source, time: time, cookie: cookie)
    default:
      state.withLock { $0.statistics.rejected += 1 }
    }
  }

  private func receiveRTP(
    _ bytes: UnsafeRawBufferPointer, source: Endpoint, time: ReceiveTime, cookie: RTPSessionCookie
  ) {
    guard let packet = try? RTPPacket(validating: bytes) else {
      state.withLock { $0.statistics.rejected += 1 }
      return
    }
    let accepted = state.withLock { state in
      guard state.accept(source) else {
        state.statistics.rejected += 1
        return false
      }
      state.noteRTP(packet, source: source, arrival: time.monotonic)
      return true
    }
    guard accepted else { return }
    try? jitterBuffer.feed(bytes, arrival: time.monotonic.nanoseconds) {
      handle($0, cookie: cookie)
    }
  }

  /// Turns a jitter buffer event into a delivery or a count.
  private func handle(_ event: JitterBufferEvent, cookie: RTPSessionCookie) {
    switch event {
    case .streamStarted:
      break
    case .erasure(let erasure):
      pendingLoss = true
      lostCount.add(Int(erasure.packetCount), ordering: .relaxed)
    case .ready(let packet):
      let lost = pendingLoss
      pendingLoss = false
      deliveredCount.add(1, ordering: .relaxed)
      incomingRTP(
        cookie: cookie, timestamp: packet.packet.timestamp, payload: packet.packet.payload,
        previousLost: lost)
    case .dropped(_, let reason):
      if reason == .duplicate {
        duplicateCount.add(1, ordering: .relaxed)
      } else {
        lateCount.add(1, ordering: .relaxed)
      }
    }
  }

  private func receiveRTCP(
    _ bytes: UnsafeRawBufferPointer, source: Endpoint, time: ReceiveTime, cookie: RTPSessionCookie
  ) {
    let compound: RTCPCompoundView
    do {
      compound = try RTCPCompoundView(validating: bytes)
    } catch {
      state.withLock { $0.statistics.rtcpInvalid += 1 }
      return
    }
    var reports: [PeerReceptionReport] = []
    let outcome: Bool? = state.withLock { state in
      guard state.accept(source) else {
        state.statistics.rejected += 1
        return nil
      }
      let bye = state.noteRTCP(compound, source: source, length: bytes.count, arrival: time)
      if !state.newPeerReports.isEmpty { swap(&reports, &state.newPeerReports) }
      return bye
    }
    guard let bye = outcome else { return }
    for report in reports { incomingReport(cookie: cookie, report: report) }
    incomingRTCP(cookie: cookie, compound: compound, source: source)
    if bye { drop(.bye) }
  }

  // MARK: RTCP timer

  private func tick(
    now: NetworkInstant, deadline: NetworkInstant?, rtp: RTPChannel, rtcp: RTPChannel?,
    socket: RTPChannel
  )
    -> NetworkInstant?
  {
    guard !stopping.load(ordering: .acquiring) else { return nil }
    // The first call, without a deadline, only schedules the first report.
    if deadline != nil {
      if let reason = check(now: now, rtp: rtp, rtcp: rtcp) { drop(reason) }
      sendReport(on: socket, goodbye: false)
    }
    var generator = SystemRandomNumberGenerator()
    let seconds = state.withLock { $0.interval }.seconds(using: &generator)
    return now + .nanoseconds(Int64(seconds * 1e9))
  }

  /// What should drop the call now, if anything.
  private func check(now: NetworkInstant, rtp: RTPChannel, rtcp: RTPChannel?) -> DropCallReason? {
    guard !dropped.load(ordering: .acquiring) else { return nil }
    if rtp.isClosed || rtcp?.isClosed == true { return .socketError(.closed) }
    let errors = rtp.counters.sendErrors + (rtcp?.counters.sendErrors ?? 0)
    if errors > 0 { return .socketError(.sendFailed(count: errors)) }
    return state.withLock { state in
      guard state.hasPeer, now - state.lastActivity > state.timeout else { return nil }
      return .timeout
    }
  }

  /// Builds and sends a compound report (with a BYE when `goodbye`) to the peer's RTCP port.
  ///
  /// On a multiplexed socket the report queues behind RTP already queued with deadlines, so it
  /// is stamped (NTP and RTP time) for, and sent at, the last of those deadlines: an SR's time
  /// is its departure, or round-trip times would include the queue.
  private func sendReport(on socket: RTPChannel, goodbye: Bool) {
    let sharesRTPQueue = configuration.rtcp == .multiplexed
    state.withLock { state in
      let destination =
        configuration.rtcpDestination ?? state.peerRTCPSource
        ?? state.peerRTPSource.map { source in
          configuration.rtcp == .multiplexed || source.port == .max
            ? source : Endpoint(address: source.address, port: source.port + 1)
        }
      guard let destination else { return }
      let now = NetworkClock.monotonic
      let realtime = NetworkClock.realtime
      let departure = sharesRTPQueue ? max(now, state.lastSentTime) : now
      let compound = state.makeReport(
        monotonic: departure, realtime: realtime + (departure - now).saturatingNanoseconds,
        cname: cname, goodbye: goodbye)
      guard let bytes = try? compound.serialized() else { return }
      let deadline = departure > now ? departure : nil
      bytes.withUnsafeBytes { raw in _ = try? socket.send(raw, to: destination, at: deadline) }
    }
  }

  /// Calls ``dropCall(reason:)`` unless it was called in this run or the session is stopping.
  private func drop(_ reason: DropCallReason) {
    guard !stopping.load(ordering: .acquiring) else { return }
    guard !dropped.exchange(true, ordering: .acquiringAndReleasing) else { return }
    dropCall(reason: reason)
  }

  private static let hostName: String = {
    var buffer = [CChar](repeating: 0, count: 256)
    guard gethostname(&buffer, buffer.count - 1) == 0 else { return "localhost" }
    return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
  }()
}
