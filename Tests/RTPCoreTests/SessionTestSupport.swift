import RTPCore
import Synchronization

@testable import RTPBase
@testable import RTPCaptures
@testable import RTPNetwork
@testable import RTPPackets
@testable import RTPSessions

#if canImport(Glibc)
  import Glibc
#endif

/// A session that records what its hooks are told, for tests.
final class RecordingSession: RTPSession, @unchecked Sendable {
  // @unchecked: everything this subclass adds is in `log`, a Mutex.
  struct Delivery: Sendable {
    var timestamp: UInt32
    var payload: [UInt8]
    var previousLost: Bool
  }
  struct Datagram: Sendable {
    var bytes: [UInt8]
    var source: Endpoint
    var local: Endpoint
    var time: Int64
  }
  /// An RTP datagram as it reached the session: its sequence number, timestamp and the
  /// monotonic receive time the session's statistics were given.
  struct Arrival: Sendable {
    var sequence: UInt16
    var timestamp: UInt32
    var time: Int64
  }
  struct Log: Sendable {
    var deliveries: [Delivery] = []
    var arrivals: [Arrival] = []
    var drops: [DropCallReason] = []
    var rtcp: [Datagram] = []
    var starts = 0
    var stops = 0
  }
  let log = LockedValue(Log())

  override func start() { log.withLock { $0.starts += 1 } }
  override func stop() { log.withLock { $0.stops += 1 } }

  override func incomingRTP(
    cookie: RTPSessionCookie, timestamp: UInt32, payload: UnsafeRawBufferPointer,
    previousLost: Bool
  ) {
    let delivery = Delivery(
      timestamp: timestamp, payload: Array(payload), previousLost: previousLost)
    log.withLock { $0.deliveries.append(delivery) }
  }

  override func incomingDatagram(
    _ bytes: UnsafeRawBufferPointer, source: Endpoint, local: Endpoint, time: ReceiveTime,
    isRTCPSocket: Bool
  ) {
    guard RTPPacketKind(classifying: bytes) == .rtcp else {
      if !isRTCPSocket, let packet = try? RTPPacket(validating: bytes) {
        let arrival = Arrival(
          sequence: packet.sequenceNumber, timestamp: packet.timestamp,
          time: time.monotonic.nanoseconds)
        log.withLock { $0.arrivals.append(arrival) }
      }
      return
    }
    let datagram = Datagram(bytes: Array(bytes), source: source, local: local, time: time.realtime)
    log.withLock { $0.rtcp.append(datagram) }
  }

  override func dropCall(reason: DropCallReason) { log.withLock { $0.drops.append(reason) } }

  var deliveries: [Delivery] { log.withLock { $0.deliveries } }
  var drops: [DropCallReason] { log.withLock { $0.drops } }
  var rtcpDatagrams: [Datagram] { log.withLock { $0.rtcp } }
}

/// A UDP relay on loopback between two sessions: forwards what arrives to a target after a
/// delay, dropping what `shouldDrop` says (by RTP sequence number) or everything when blocked;
/// remembers each forwarded RTP packet's deadline and timestamp.
final class DelayProxy: Sendable {
  struct Forwarded: Sendable {
    var sequence: UInt16
    var timestamp: UInt32
    var deadline: NetworkInstant
  }
  /// What the relay's callback shares with the test.
  final class Shared: Sendable {
    let target = LockedValue<Endpoint?>(nil)
    let blocked = Atomic<Bool>(false)
    let forwarded = LockedValue<[Forwarded]>([])
    let channel = LockedValue<RTPChannel?>(nil)
  }
  let channel: RTPChannel
  let shared = Shared()

  init(
    server: RTPServer, delay: @escaping @Sendable (UInt16) -> Duration = { _ in .zero },
    shouldDrop: @escaping @Sendable (UInt16) -> Bool = { _ in false }
  ) throws {
    let shared = self.shared
    channel = try server.createChannel(
      onPacket: { bytes, _, time in
        guard !shared.blocked.load(ordering: .relaxed),
          let destination = shared.target.withLock({ $0 }),
          let channel = shared.channel.withLock({ $0 })
        else { return }
        var deadline = time.monotonic
        if RTPPacketKind(classifying: bytes) == .rtp, let packet = try? RTPPacket(validating: bytes)
        {
          if shouldDrop(packet.sequenceNumber) { return }
          deadline += delay(packet.sequenceNumber)
          let record = Forwarded(
            sequence: packet.sequenceNumber, timestamp: packet.timestamp, deadline: deadline)
          shared.forwarded.withLock { $0.append(record) }
        } else {
          deadline += delay(0)
        }
        try? channel.send(bytes, to: destination, at: deadline)
      }, bindingTo: Endpoint(address: .v4(.loopback), port: 0),
      options: RTPChannelOptions(sending: RTPChannelSendOptions(queueSize: 1024)))
    shared.channel.withLock { $0 = channel }
  }

  var port: UInt16 { channel.localAddress.port }
  /// Where the relay forwards to.
  func forward(to port: UInt16?) {
    shared.target.withLock { $0 = port.map { Endpoint(address: loopback, port: $0) } }
  }
  /// Blocks (drops) everything from now on.
  func block() { shared.blocked.store(true, ordering: .relaxed) }
  var forwarded: [Forwarded] { shared.forwarded.withLock { $0 } }
}

/// Polls `condition` every 2 ms for up to `seconds`: a guard against hangs, not a timing
/// assertion.
func waitFor(seconds: Double = 10, _ condition: () -> Bool) -> Bool {
  let end = NetworkClock.monotonic + .seconds(seconds)
  while NetworkClock.monotonic < end {
    if condition() { return true }
    usleep(2000)
  }
  return condition()
}

/// Sleeps `seconds`.
func pause(_ seconds: Double) {
  usleep(UInt32(seconds * 1e6))
}

let loopback = IPAddress("127.0.0.1")!
