import CNetShim
import RTPBase
import RTPCaptures
import Synchronization

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#endif

/// One UDP socket on an ``RTPServer``: a bidirectional RTP pipe with one callback for what
/// arrives and one bounded, lossy, non-blocking output queue for what leaves (none for a
/// receive-only channel, ``RTPChannelOptions/receiveOnly(family:receiveBufferSize:)``).
///
/// Sends copy the datagram into the queue and return at once; the server's worker sends it with
/// `sendmmsg` as soon as it is due (immediately, or at the deadline given), unconnected, so an
/// ICMP port-unreachable from a closed peer port costs nothing. Datagrams leave in the order
/// they were queued: one queued with a deadline holds back those queued after it.
///
/// Thread safety: every method may be called from any thread, including from the channel's own
/// callback on the worker thread.
public final class RTPChannel: @unchecked Sendable {
  // @unchecked: immutable state is `let`; the producer side (target, closed flag, queue tail)
  // is serialised by `producer` (a Mutex); counters and the service flag are atomics; the
  // socket descriptor's closing is serialised with readers by `socketLock`; the `worker…`
  // variables are touched only on the server's worker thread.

  /// Called on the server's worker thread for each datagram received, with its bytes (valid
  /// only during the call), its source and its kernel receive time. It must not block for long:
  /// it holds up every channel of the server.
  public typealias PacketHandler =
    @Sendable (_ bytes: UnsafeRawBufferPointer, _ source: Endpoint, _ receiveTime: ReceiveTime) ->
    Void

  /// A ``PacketHandler`` that is also told where the datagram was sent: the address it was
  /// addressed to (which, on a channel bound to every address, is one of the host's, as the
  /// kernel reports it) and the channel's port.
  public typealias DatagramHandler =
    @Sendable (
      _ bytes: UnsafeRawBufferPointer, _ source: Endpoint, _ destination: Endpoint,
      _ receiveTime: ReceiveTime
    ) -> Void

  /// The address and port the socket is bound to (the real port when bound to port 0).
  public let localAddress: Endpoint
  /// The output queue and send buffer the channel was made with; `nil` for a receive-only
  /// channel, which has no queue.
  public let sending: RTPChannelSendOptions?
  /// The size of the output queue; 0 for a receive-only channel.
  public var queueSize: Int { sending?.queueSize ?? 0 }
  /// The largest datagram ``send(_:)`` accepts; 0 for a receive-only channel.
  public let maxPacketSize: Int

  let onPacket: DatagramHandler
  let descriptor: Int32
  let isIPv6: Bool
  let isDualStack: Bool
  /// The output queue; `nil` for a receive-only channel.
  let queue: SendQueue?
  let server: ServerState

  private let producer = LockedValue<(target: SocketAddress?, closed: Bool)>((nil, false))
  private let socketLock = LockedValue<Bool>(true)
  private let closedFlag = Atomic<Bool>(false)
  /// True while the worker is responsible for the queue: a service command is pending, the
  /// front datagram's deadline is armed, or the socket is waiting to become writable.
  let serviceFlag = Atomic<Bool>(false)

  let sentCount = Atomic<Int>(0)
  let sendErrorCount = Atomic<Int>(0)
  let lastSendErrno = Atomic<Int32>(0)
  let queueFullCount = Atomic<Int>(0)
  let receivedCount = Atomic<Int>(0)
  let kernelDropCount = Atomic<Int>(0)
  let discardedCount = Atomic<Int>(0)

  /// Worker-only until published: how late the datagrams sent with a deadline left.
  private var workerLateness = LatenessHistogram()
  /// Set (releasing) by the worker once `workerLateness` is final, when the channel is removed.
  private let latenessFinal = Atomic<Bool>(false)

  /// Worker-only: the channel's index in the worker's table (its epoll tag).
  var workerSlot = -1
  /// Worker-only: the deadline armed in the worker's heap for the front datagram (nanoseconds on
  /// `CLOCK_MONOTONIC`), or 0 when none is.
  var workerArmedDeadline: Int64 = 0
  /// Worker-only: whether the socket is registered for EPOLLOUT after a full send buffer.
  var workerAwaitsWritable = false

  init(
    descriptor: Int32, localAddress: Endpoint, isIPv6: Bool, isDualStack: Bool,
    sending: RTPChannelSendOptions?, server: ServerState, onPacket: @escaping DatagramHandler
  ) {
    self.descriptor = descriptor
    self.localAddress = localAddress
    self.isIPv6 = isIPv6
    self.isDualStack = isDualStack
    self.sending = sending
    maxPacketSize = sending?.maxPacketSize ?? 0
    self.server = server
    self.onPacket = onPacket
    queue = sending.map { SendQueue(capacity: $0.queueSize, slotSize: $0.maxPacketSize) }
  }

  /// Whether ``close()`` was called or the server shut down.
  public var isClosed: Bool { closedFlag.load(ordering: .acquiring) }

  /// Sets where ``send(_:)`` sends. An IPv4 target on a dual-stack IPv6 channel is reached
  /// through its IPv4-mapped address.
  public func setTarget(_ endpoint: Endpoint) throws(NetworkError) {
    let address = try socketAddress(endpoint)
    producer.withLock { $0.target = address }
  }

  /// The current target, if set.
  public var target: Endpoint? {
    producer.withLock { $0.target?.endpoint }
  }

  /// Queues a copy of `bytes` for the target, to leave now.
  ///
  /// Throws ``NetworkError/queueFull`` (and counts it) when the queue is full,
  /// ``NetworkError/noTarget`` before ``setTarget(_:)``, ``NetworkError/closed`` after
  /// ``close()``, ``NetworkError/receiveOnly`` on a channel without a queue.
  public func send(_ bytes: UnsafeRawBufferPointer) throws(NetworkError) {
    try enqueue(bytes, to: nil, deadline: nil)
  }

  /// Queues a copy of `bytes` for the target, to leave at `deadline` (see
  /// ``NetworkClock/monotonic``) and not before; a deadline in the past, or `nil`, means now.
  public func send(_ bytes: UnsafeRawBufferPointer, at deadline: NetworkInstant?)
    throws(NetworkError)
  {
    try enqueue(bytes, to: nil, deadline: deadline)
  }

  /// Queues a copy of `bytes` for `destination` instead of the target, at `deadline` (`nil`:
  /// now). One channel can feed many peers this way.
  public func send(
    _ bytes: UnsafeRawBufferPointer, to destination: Endpoint, at deadline: NetworkInstant? = nil
  )
    throws(NetworkError)
  {
    let address = try socketAddress(destination)
    try enqueue(bytes, to: address, deadline: deadline)
  }

  /// Queues a copy of `bytes` for the target, at `deadline` (`nil`: now).
  public func send(_ bytes: [UInt8], at deadline: NetworkInstant? = nil) throws(NetworkError) {
    let result: Result<Void, NetworkError> = bytes.withUnsafeBytes { buffer in
      Result { () throws(NetworkError) in try self.enqueue(buffer, to: nil, deadline: deadline) }
    }
    try result.get()
  }

  private func enqueue(
    _ bytes: UnsafeRawBufferPointer, to destination: SocketAddress?, deadline: NetworkInstant?
  )
    throws(NetworkError)
  {
    guard let queue else { throw .receiveOnly }
    guard bytes.count <= maxPacketSize else {
      throw .packetTooLarge(size: bytes.count, limit: maxPacketSize)
    }
    let outcome: NetworkError? = producer.withLock { state in
      if state.closed { return .closed }
      guard let address = destination ?? state.target else { return .noTarget }
      let due = deadline?.nanoseconds ?? SendQueue.immediately
      return queue.push(bytes, to: address, deadline: due) ? nil : .queueFull
    }
    if let outcome {
      if outcome == .queueFull { queueFullCount.add(1, ordering: .relaxed) }
      throw outcome
    }
    // The push stored the queue's tail sequentially consistent; if the worker has let go of the
    // queue (flag false), take it back and tell the worker.
    if !serviceFlag.load(ordering: .sequentiallyConsistent),
      !serviceFlag.exchange(true, ordering: .sequentiallyConsistent)
    {
      if !server.post(.service(self)) {
        serviceFlag.store(false, ordering: .sequentiallyConsistent)
      }
    }
  }

  private func socketAddress(_ endpoint: Endpoint) throws(NetworkError) -> SocketAddress {
    guard let address = SocketAddress(endpoint, socketIsIPv6: isIPv6, dualStack: isDualStack)
    else { throw .addressFamilyMismatch(endpoint) }
    return address
  }

  /// How many datagrams wait in the output queue.
  public var pendingCount: Int { queue?.count ?? 0 }

  /// The counters now. Kernel drops are read from the socket while it is open.
  public var counters: RTPChannelCounters {
    refreshKernelDrops()
    var counters = RTPChannelCounters()
    counters.sent = sentCount.load(ordering: .relaxed)
    counters.sendErrors = sendErrorCount.load(ordering: .relaxed)
    let lastErrno = lastSendErrno.load(ordering: .relaxed)
    counters.lastSendError = lastErrno == 0 ? nil : SystemError("sendmmsg", code: lastErrno)
    counters.queueFull = queueFullCount.load(ordering: .relaxed)
    counters.received = receivedCount.load(ordering: .relaxed)
    counters.kernelDrops = kernelDropCount.load(ordering: .relaxed)
    counters.discarded = discardedCount.load(ordering: .relaxed)
    return counters
  }

  /// Closes the channel: no callback runs for it once this returns (unless called from that
  /// callback, which finishes), datagrams already due are sent, later ones are discarded and
  /// counted. Safe to call more than once and after the server has shut down.
  public func close() {
    let first = producer.withLock { state in
      let first = !state.closed
      state.closed = true
      return first
    }
    guard first else { return }
    closedFlag.store(true, ordering: .releasing)
    if server.isWorkerThread {
      server.post(.remove(self, nil))
    } else {
      let done = Completion()
      if server.post(.remove(self, done)) { done.wait() }
    }
  }

  /// How late the datagrams queued with a deadline left: for each, the time the worker's
  /// `sendmmsg` returned minus its deadline (datagrams sent "now", without a deadline, are not
  /// counted). The worker records it without locks, so it is available only once the channel
  /// is closed: after ``close()`` has returned (called from another thread than the worker) or
  /// the server has shut down; `nil` before.
  public var lateness: LatenessHistogram? {
    latenessFinal.load(ordering: .acquiring) ? workerLateness : nil
  }

  /// Worker: records the lateness of the first `count` queued datagrams, sent at `departure`
  /// (before they are consumed).
  func recordLateness(departure: Int64, count: Int) {
    guard let queue else { return }
    for offset in 0..<count {
      let deadline = queue.deadline(at: offset)
      if deadline != SendQueue.immediately {
        workerLateness.record(nanoseconds: departure - deadline)
      }
    }
  }

  /// Worker: makes ``lateness`` readable; the channel sends nothing more.
  func publishLateness() {
    latenessFinal.store(true, ordering: .releasing)
  }

  /// Worker: marks the channel closed when its server shuts down.
  func markClosed() {
    producer.withLock { $0.closed = true }
    closedFlag.store(true, ordering: .releasing)
  }

  /// Worker: records the drop count a received datagram carried (cumulative per socket).
  func noteKernelDrops(_ drops: Int) {
    var current = kernelDropCount.load(ordering: .relaxed)
    while drops > current {
      let (exchanged, original) = kernelDropCount.compareExchange(
        expected: current, desired: drops, ordering: .relaxed)
      if exchanged { break }
      current = original
    }
  }

  private func refreshKernelDrops() {
    socketLock.withLock { open in
      guard open else { return }
      let drops = rtpnet_socket_drops(descriptor)
      if drops >= 0 { noteKernelDrops(Int(drops)) }
    }
  }

  /// Worker: reads the final drop count and closes the socket.
  func closeSocket() {
    socketLock.withLock { open in
      guard open else { return }
      let drops = rtpnet_socket_drops(descriptor)
      if drops >= 0 { noteKernelDrops(Int(drops)) }
      _ = Glibc.close(descriptor)
      open = false
    }
  }
}
