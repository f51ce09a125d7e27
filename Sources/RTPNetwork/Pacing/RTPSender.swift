import RTPBase
import RTPCaptures
import RTPPackets
import SystemPackage

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#endif

/// Sends the UDP datagrams of a capture, paced by their capture times or RTP timestamps or as
/// fast as the socket takes them, to one destination or as copies to many consecutive ports:
/// rtpsend's engine.
///
/// One ``RTPServer`` channel (one socket, one worker thread) is fed by the caller's thread a
/// bounded distance ahead of the schedule: ``send(repetitions:progress:pass:)`` reads the
/// capture, computes each datagram's deadline, sleeps while that is more than ``lookahead`` away
/// or while the channel's queue is full, and queues one copy per stream; the worker sends each at
/// its deadline and records how late it left. Each stream but a single one gets its own SSRC,
/// sequence and timestamp offsets (``RTPHeaderShift``), and a repeated input continues its RTP
/// numbering and capture times, as one stream.
public final class RTPSender {
  /// The most streams one sender sends.
  public static let maximumStreams = 4096
  /// The largest datagram sent; the queue's slots are this big.
  public static let maximumPacketSize = 2048
  /// How far ahead of its deadline a datagram may be queued.
  public static let lookahead = Duration.milliseconds(200)
  /// A paced send's lead over now for the first datagram, so that it is not late from the start.
  static let startLead = Duration.milliseconds(5)
  /// A wait for the next datagram longer than this is a long gap, for ``longGapHandler``.
  public static let longGap = Duration.seconds(5)
  // The per-datagram path compares nanoseconds, not `Duration`s (whose arithmetic is 128-bit).
  private static let lookaheadNanoseconds = lookahead.saturatingNanoseconds
  private static let longGapNanoseconds = longGap.saturatingNanoseconds

  /// Called on the sending thread, before waiting, when the next datagram is due more than
  /// ``longGap`` after the previous one (or after now), with that gap, or `nil` when it is due
  /// never (past the network clock's range): so that a tool can say why it is silent.
  public var longGapHandler: ((_ gap: Duration?) -> Void)?

  private let server: RTPServer?
  private let channel: RTPChannel
  /// With `--rtcp`: the session whose RTP socket sends, counting for its sender reports.
  private let path: RTPSendPath?
  private let destinations: [Endpoint]
  private let shifts: [RTPHeaderShift]
  private let pace: PacingMode
  private let speed: Double
  private let maxGap: Duration?
  private let clockRates: [UInt8: Int]
  private var schedule: SendSchedule?
  /// The interval the copies of one datagram are spread over: the shortest gap between input
  /// deadlines seen so far, at most ``maximumSpread``, which is also what the first datagram
  /// gets, before any gap is known (20 ms, the commonest packet time).
  private var spread: Int64 = RTPSender.maximumSpread
  /// The previous datagram's deadline, in nanoseconds on the network clock.
  private var previousDeadline: Int64?
  /// The widest spread of the copies of one datagram, in nanoseconds (20 ms).
  static let maximumSpread: Int64 = 20_000_000
  private var result = RTPSendResult()
  private let loopBuffer: UnsafeMutableRawBufferPointer
  private let copyBuffer: UnsafeMutableRawBufferPointer

  /// The output queue length for `streams` streams.
  public static func queueSize(streams: Int) -> Int {
    var queueSize = 4096
    while queueSize < streams * 4 { queueSize *= 2 }
    return queueSize
  }

  /// A sender on its own socket, or through `path` (one stream) when given: an RTP session's
  /// RTP socket.
  ///
  /// - Parameters:
  ///   - destination: Where the first stream goes; stream `i` goes to its port + `i`.
  ///   - local: The address and port to send from; `nil` lets the system choose.
  ///   - streams: How many copies of each datagram to send, 1 to ``maximumStreams``.
  ///   - pace: What times the datagrams leave at.
  ///   - speed: How much faster than real time (2) or slower (0.5).
  ///   - maxGap: The longest wait between two paced datagrams; longer gaps are cut to it.
  ///   - clockRates: RTP clock rates by payload type for `.rtp` pacing, over the static ones.
  ///   - path: Where to send one stream instead of a socket of the sender's own: an RTP
  ///     session, counting for its reports.
  public init(
    destination: Endpoint, local: Endpoint?, streams: Int, pace: PacingMode, speed: Double,
    maxGap: Duration? = nil, clockRates: [UInt8: Int] = [:], through path: RTPSendPath? = nil
  ) throws(NetworkError) {
    if let path, let channel = path.sendChannel {
      server = nil
      self.channel = channel
    } else {
      let server = try RTPServer(name: "rtpsend")
      let family: AddressFamily = destination.address.isIPv6 ? .ipv6 : .ipv4
      channel = try server.createChannel(
        onPacket: { _, _, _ in }, bindingTo: local,
        options: RTPChannelOptions(
          family: family, receiveBufferSize: 0,
          sending: RTPChannelSendOptions(
            queueSize: Self.queueSize(streams: streams), maxPacketSize: Self.maximumPacketSize,
            sendBufferSize: 4 << 20)))
      self.server = server
    }
    self.path = path
    destinations = (0..<streams).map {
      Endpoint(address: destination.address, port: destination.port + UInt16($0))
    }
    shifts = streams == 1 ? [RTPHeaderShift()] : (0..<streams).map { _ in .random() }
    self.pace = pace
    self.speed = speed
    self.maxGap = maxGap
    self.clockRates = clockRates
    loopBuffer = .allocate(byteCount: 65536, alignment: 16)
    copyBuffer = .allocate(byteCount: 65536, alignment: 16)
  }

  deinit {
    loopBuffer.deallocate()
    copyBuffer.deallocate()
    server?.shutdown()
  }

  /// Sends a capture `repetitions` times, as one stream that continues RTP sequence numbers,
  /// timestamps and capture times, reading repetition `r` from `pass(r)` (the same capture
  /// each time, from its start). Calls `progress` with the datagrams read in the current
  /// repetition: each one when paced, else every `progressInterval`. Returns the input's
  /// failure, if any, after sending everything read before it.
  public func send(
    repetitions: Int, progress: ProgressHandler? = nil,
    pass: (_ repetition: Int) throws(CaptureError) -> DatagramReader
  ) -> CaptureError? {
    var extent = LoopExtent()
    let progressEvery = pace == .none ? progressInterval : 1
    var countdown = progressEvery
    for repetition in 0..<repetitions {
      let readBefore = result.read
      do throws(CaptureError) {
        let reader = try pass(repetition)
        // Records of the first pass that held no UDP datagram: the input's own, once.
        defer { if repetition == 0 { result.skipped = reader.skipped } }
        while var datagram = try reader.next() {
          result.read += 1
          if RTPPacketKind(classifying: datagram.payload) != .other { result.rtp += 1 }
          if let progress {
            countdown -= 1
            if countdown == 0 {
              countdown = progressEvery
              progress(UInt64(result.read - readBefore))
            }
          }
          if repetition == 0 {
            extent.observe(datagram)
          } else {
            datagram.timestamp = PacingArithmetic.add(
              datagram.timestamp,
              PacingArithmetic.multiply(Int64(repetition), extent.periodNanoseconds))
            datagram.payload = shifted(datagram.payload, extent: extent, repetition: repetition)
          }
          guard datagram.payload.count <= Self.maximumPacketSize else {
            result.oversized += destinations.count
            continue
          }
          let deadline = self.deadline(for: datagram)?.nanoseconds
          // With many streams, copy i leaves i/N of the packet interval after copy 0, as
          // independent senders would, rather than all at once in a burst that makes the last
          // copies late. The spread never exceeds the gap to the next datagram once one is
          // known, so the queue stays in deadline order; before that (the first datagram) it is
          // 20 ms, not 0, which burst the first datagram's copies and made thousands late.
          if let deadline {
            if let previousDeadline, deadline > previousDeadline {
              spread = min(spread, PacingArithmetic.subtract(deadline, previousDeadline))
            }
            previousDeadline = deadline
          }
          let count = Int64(destinations.count)
          for (index, destination) in destinations.enumerated() {
            let due = deadline.map {
              NetworkInstant(
                nanoseconds: PacingArithmetic.add($0, spread * Int64(index) / count))
            }
            transmit(datagram.payload, shift: shifts[index], to: destination, at: due)
          }
        }
      } catch {
        return error
      }
    }
    return nil
  }

  /// Waits for the queue to drain, closes the channel (after `close`, which stops the session
  /// when there is one, so that its BYE leaves last) and returns what happened.
  public func finish(close: () -> Void = {}) -> RTPSendResult {
    while channel.pendingCount > 0 { Self.sleep(.milliseconds(1)) }
    close()
    channel.close()
    result.counters = channel.counters
    result.lateness = channel.lateness ?? LatenessHistogram()
    server?.shutdown()
    return result
  }

  /// The payload of repetition `repetition`: copied and shifted when it is RTP.
  private func shifted(_ payload: UnsafeRawBufferPointer, extent: LoopExtent, repetition: Int)
    -> UnsafeRawBufferPointer
  {
    guard payload.count >= 12, payload.count <= loopBuffer.count else { return payload }
    let ssrc = payload.loadBigEndian(as: UInt32.self, at: 8)
    let shift = extent.shift(ssrc: ssrc, repetition: repetition)
    if shift.isIdentity { return payload }
    let copy = UnsafeMutableRawBufferPointer(rebasing: loopBuffer[0..<payload.count])
    copy.copyMemory(from: payload)
    shift.apply(to: copy)
    return UnsafeRawBufferPointer(copy)
  }

  /// The datagram's deadline (`nil`, "now", without pacing), after sleeping until it is no more
  /// than ``lookahead`` away.
  private func deadline(for datagram: UDPDatagram) -> NetworkInstant? {
    guard pace != .none else { return nil }
    if schedule == nil {
      let rates = clockRates
      schedule = SendSchedule(
        mode: pace, speed: speed, start: NetworkClock.monotonic + Self.startLead, maxGap: maxGap,
        clockRate: { rates[$0] ?? RTPPayloadTypeRegistry.clockRate($0) })
    }
    let deadline = schedule!.deadline(for: datagram)
    let due = deadline.nanoseconds
    let now = NetworkClock.monotonic.nanoseconds
    if let longGapHandler {
      if deadline == .distantFuture {
        longGapHandler(nil)
      } else {
        let gap = PacingArithmetic.subtract(due, max(now, previousDeadline ?? now))
        if gap > Self.longGapNanoseconds { longGapHandler(.nanoseconds(gap)) }
      }
    }
    let wait = PacingArithmetic.subtract(
      PacingArithmetic.subtract(due, Self.lookaheadNanoseconds), now)
    if wait > 0 { Self.sleep(nanoseconds: wait) }
    return deadline
  }

  /// Queues one copy, sleeping while the queue is full.
  private func transmit(
    _ payload: UnsafeRawBufferPointer, shift: RTPHeaderShift, to destination: Endpoint,
    at deadline: NetworkInstant?
  ) {
    var bytes = payload
    if !shift.isIdentity {
      let copy = UnsafeMutableRawBufferPointer(rebasing: copyBuffer[0..<payload.count])
      copy.copyMemory(from: payload)
      shift.apply(to: copy)
      bytes = UnsafeRawBufferPointer(copy)
    }
    while true {
      if channel.pendingCount < channel.queueSize {
        let outcome: RTPSendPathResult
        if let path {
          outcome = path.send(bytes, at: deadline)
        } else {
          do throws(NetworkError) {
            try channel.send(bytes, to: destination, at: deadline)
            outcome = .queued
          } catch .queueFull {
            outcome = .queueFull
          } catch {
            outcome = .failed(error)
          }
        }
        switch outcome {
        case .queued:
          return
        case .queueFull:
          // Counted by the channel; wait for room as below.
          break
        case .failed:
          // Our own channel is open and every destination has its family, so this does not
          // happen there; a path may refuse a datagram (not RTP, for a session): the copy is
          // counted as not sent rather than stopping.
          result.unsendable += 1
          return
        }
      }
      Self.sleep(pace == .none ? .microseconds(100) : .milliseconds(1))
    }
  }

  static func sleep(_ duration: Duration) {
    sleep(nanoseconds: duration.saturatingNanoseconds)
  }

  /// Sleeps `nanoseconds` (positive) with `nanosleep`, the one conversion to a `timespec`.
  static func sleep(nanoseconds: Int64) {
    var request = timespec(
      tv_sec: Int(nanoseconds / 1_000_000_000), tv_nsec: Int(nanoseconds % 1_000_000_000))
    var remaining = timespec()
    while nanosleep(&request, &remaining) != 0 && errno == EINTR { request = remaining }
  }
}
