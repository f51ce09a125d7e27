import CNetShim
import RTPCaptures

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#endif

/// The loop on an ``RTPServer``'s thread: epoll over every channel's socket, an eventfd for
/// commands and a timerfd for send deadlines; receives in `recvmmsg` batches, sends in
/// `sendmmsg` batches. Lives and dies on that thread.
final class ServerWorker {
  static let wakeTag: UInt64 = 0
  static let timerTag: UInt64 = 1
  private static let firstChannelTag: UInt64 = 2
  /// Datagrams per `recvmmsg`.
  static let receiveBatch = 32
  /// `recvmmsg` calls per readable socket per round, so that one busy channel cannot starve the
  /// others.
  private static let receiveRounds = 8
  /// Datagrams per `sendmmsg`.
  private static let sendBatch = 64
  /// `sendmmsg` calls per channel per round, so that a queue fed as fast as it drains cannot
  /// keep the worker from receiving.
  private static let sendRounds = 4
  private static let receiveCapacity = 65536
  private static let maxEvents = 128

  private let state: ServerState
  private var channels: [RTPChannel?] = []
  private var freeSlots: [Int] = []
  private var deadlines = DeadlineHeap()
  private var armedDeadline: Int64 = 0
  /// Channels whose due datagrams exceeded one round's budget: served again next round, after
  /// a non-blocking look at the sockets.
  private var backlog: [RTPChannel] = []
  private let receiveSlots: UnsafeMutablePointer<rtpnet_rx_slot>
  private let receiveBuffer: UnsafeMutableRawPointer
  private let sendSlots: UnsafeMutablePointer<rtpnet_tx_slot>
  private let eventTags: UnsafeMutablePointer<UInt64>
  private let eventFlags: UnsafeMutablePointer<UInt32>

  init(state: ServerState) {
    self.state = state
    receiveBuffer = .allocate(
      byteCount: Self.receiveBatch * Self.receiveCapacity, alignment: 16)
    receiveSlots = .allocate(capacity: Self.receiveBatch)
    for index in 0..<Self.receiveBatch {
      var slot = rtpnet_rx_slot()
      slot.buffer = receiveBuffer + index * Self.receiveCapacity
      slot.capacity = Self.receiveCapacity
      (receiveSlots + index).initialize(to: slot)
    }
    sendSlots = .allocate(capacity: Self.sendBatch)
    sendSlots.initialize(repeating: rtpnet_tx_slot(), count: Self.sendBatch)
    eventTags = .allocate(capacity: Self.maxEvents)
    eventFlags = .allocate(capacity: Self.maxEvents)
  }

  deinit {
    receiveBuffer.deallocate()
    receiveSlots.deallocate()
    sendSlots.deallocate()
    eventTags.deallocate()
    eventFlags.deallocate()
  }

  /// Runs until a shutdown command.
  func run() {
    state.registerWorkerThread()
    _ = rtpnet_set_timer_slack(1)
    while true {
      let count = rtpnet_epoll_wait(
        state.epoll, eventTags, eventFlags, Int32(Self.maxEvents),
        backlog.isEmpty ? RTPNET_WAIT_FOREVER : 0)
      if count < 0 {
        if count == -EINTR { continue }
        // epoll itself failed: nothing can be waited for any more; close up as for a shutdown.
        shutDown(commands: state.takeCommands())
        return
      }
      var commandsWaiting = false
      for index in 0..<Int(count) {
        let tag = eventTags[index]
        let flags = eventFlags[index]
        switch tag {
        case Self.wakeTag:
          commandsWaiting = true
        case Self.timerTag:
          rtpnet_drain_counter(state.timer)
          armedDeadline = 0
        default:
          let slot = Int(tag - Self.firstChannelTag)
          guard slot < channels.count, let channel = channels[slot] else { continue }
          if flags & (RTPNET_EPOLL_OUT) != 0, channel.workerAwaitsWritable {
            channel.workerAwaitsWritable = false
            control(channel, operation: RTPNET_EPOLL_MODIFY, events: RTPNET_EPOLL_IN)
            service(channel, now: NetworkClock.monotonic.nanoseconds)
          }
          if flags & (RTPNET_EPOLL_IN | RTPNET_EPOLL_ERR) != 0 {
            receive(channel)
          }
        }
      }
      if commandsWaiting {
        let commands = state.takeCommands()
        if commands.contains(where: { if case .shutdown = $0 { true } else { false } }) {
          shutDown(commands: commands)
          return
        }
        for command in commands { perform(command) }
      }
      let now = NetworkClock.monotonic.nanoseconds
      if !backlog.isEmpty {
        let waiting = backlog
        backlog.removeAll(keepingCapacity: true)
        for channel in waiting where channel.workerSlot >= 0 { service(channel, now: now) }
      }
      runDue(now: now)
      rearm()
    }
  }

  private func perform(_ command: ServerCommand) {
    switch command {
    case .add(let channel):
      let slot = freeSlots.popLast() ?? channels.count
      if slot == channels.count { channels.append(nil) }
      channels[slot] = channel
      channel.workerSlot = slot
      control(channel, operation: RTPNET_EPOLL_ADD, events: RTPNET_EPOLL_IN)
      if channel.isClosed { remove(channel) }
    case .service(let channel):
      guard channel.workerSlot >= 0 else {
        // Queued before its .add was seen cannot happen (commands are ordered); a closed
        // channel's late service request is dropped.
        return
      }
      service(channel, now: NetworkClock.monotonic.nanoseconds)
    case .remove(let channel, let done):
      remove(channel)
      done?.signal()
    case .shutdown:
      break
    }
  }

  private func control(_ channel: RTPChannel, operation: Int32, events: UInt32) {
    _ = rtpnet_epoll_control(
      state.epoll, operation, channel.descriptor, events,
      UInt64(channel.workerSlot) + Self.firstChannelTag)
  }

  /// Sends what is due, discards the rest, forgets the channel and closes its socket.
  private func remove(_ channel: RTPChannel) {
    guard channel.workerSlot >= 0 else { return }
    service(channel, now: NetworkClock.monotonic.nanoseconds)
    channel.discardedCount.add(channel.pendingCount, ordering: .relaxed)
    control(channel, operation: RTPNET_EPOLL_REMOVE, events: 0)
    channels[channel.workerSlot] = nil
    freeSlots.append(channel.workerSlot)
    channel.workerSlot = -1
    channel.workerArmedDeadline = 0
    channel.closeSocket()
    channel.publishLateness()
  }

  private func shutDown(commands: [ServerCommand]) {
    for case let channel? in channels {
      channel.markClosed()
      remove(channel)
    }
    for command in commands {
      switch command {
      case .add(let channel):
        channel.markClosed()
        channel.closeSocket()
      case .remove(_, let done):
        done?.signal()
      case .service, .shutdown:
        break
      }
    }
    _ = rtpnet_timerfd_arm(state.timer, Int64(RTPNET_TIMER_DISARM))
  }

  // MARK: Receiving

  private func receive(_ channel: RTPChannel) {
    for _ in 0..<Self.receiveRounds {
      let count = Int(
        rtpnet_recv_batch(channel.descriptor, receiveSlots, UInt32(Self.receiveBatch)))
      guard count > 0 else { return }
      // Kernel stamps are CLOCK_REALTIME; carry them onto CLOCK_MONOTONIC with an offset read
      // realtime-first, so a preemption between the two reads can only make them look later.
      let realtime = NetworkClock.realtime
      let offset = NetworkClock.monotonic.nanoseconds - realtime
      var delivered = 0
      var drops = -1
      for index in 0..<count {
        if channel.isClosed { break }
        let slot = receiveSlots + index
        let stamp = slot.pointee.kernel_time_ns >= 0 ? slot.pointee.kernel_time_ns : realtime
        if slot.pointee.has_drops != 0 { drops = Int(slot.pointee.drops) }
        let source =
          withUnsafePointer(to: &slot.pointee.source) { SocketAddress.endpoint(of: $0) }
          ?? Endpoint(address: .v4(.any), port: 0)
        var destination = channel.localAddress
        if slot.pointee.has_destination != 0,
          let reported = withUnsafePointer(
            to: &slot.pointee.destination, { SocketAddress.endpoint(of: $0) })
        {
          destination.address = reported.address
        }
        let bytes = UnsafeRawBufferPointer(
          start: slot.pointee.buffer, count: min(slot.pointee.length, slot.pointee.capacity))
        channel.onPacket(
          bytes, source, destination,
          ReceiveTime(
            realtime: stamp, monotonic: NetworkInstant(nanoseconds: stamp + offset)))
        delivered += 1
      }
      channel.receivedCount.add(delivered, ordering: .relaxed)
      if drops >= 0 { channel.noteKernelDrops(drops) }
      if count < Self.receiveBatch || channel.isClosed { return }
    }
  }

  // MARK: Sending

  /// Sends every due datagram of `channel`; then either lets go of the queue (empty), arms the
  /// front datagram's deadline, or waits for the socket to become writable.
  private func service(_ channel: RTPChannel, now: Int64) {
    guard let queue = channel.queue, !channel.workerAwaitsWritable else { return }
    var rounds = 0
    while true {
      let (count, next) = queue.due(now: now, into: sendSlots, limit: Self.sendBatch)
      if count > 0 {
        if rounds == Self.sendRounds {
          // Budget spent: keep the queue (the flag stays set) and come back next round.
          backlog.append(channel)
          return
        }
        rounds += 1
        let sent = Int(rtpnet_send_batch(channel.descriptor, sendSlots, UInt32(count)))
        if sent > 0 {
          channel.recordLateness(departure: NetworkClock.monotonic.nanoseconds, count: sent)
          queue.consume(sent)
          channel.sentCount.add(sent, ordering: .relaxed)
          continue
        }
        if sent == -EAGAIN || sent == -ENOBUFS {
          channel.workerAwaitsWritable = true
          control(
            channel, operation: RTPNET_EPOLL_MODIFY, events: RTPNET_EPOLL_IN | RTPNET_EPOLL_OUT)
          return
        }
        // No route, refused by a filter, …: count the front datagram as failed and drop it.
        queue.consume(1)
        channel.sendErrorCount.add(1, ordering: .relaxed)
        channel.lastSendErrno.store(Int32(truncatingIfNeeded: -sent), ordering: .relaxed)
        continue
      }
      if let next {
        if channel.workerArmedDeadline != next {
          channel.workerArmedDeadline = next
          deadlines.insert(deadline: next, tag: channel.workerSlot)
        }
        return
      }
      // Empty: let go, then look again in case a producer queued meanwhile and saw the flag
      // still set.
      channel.serviceFlag.store(false, ordering: .sequentiallyConsistent)
      if queue.count == 0 { return }
      if channel.serviceFlag.exchange(true, ordering: .sequentiallyConsistent) { return }
    }
  }

  private func runDue(now: Int64) {
    while let first = deadlines.first, first.deadline <= now {
      _ = deadlines.removeFirst()
      guard first.tag < channels.count, let channel = channels[first.tag],
        channel.workerArmedDeadline == first.deadline
      else { continue }
      channel.workerArmedDeadline = 0
      service(channel, now: now)
    }
  }

  private func rearm() {
    let next = deadlines.first?.deadline ?? Int64(RTPNET_TIMER_DISARM)
    if next != armedDeadline {
      armedDeadline = next
      _ = rtpnet_timerfd_arm(state.timer, next)
    }
  }
}
