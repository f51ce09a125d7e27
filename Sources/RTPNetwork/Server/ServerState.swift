import CNetShim
import RTPBase
import Synchronization

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#endif

/// What an ``RTPServer``, its channels and its worker share: the worker's descriptors and its
/// inbox of commands.
final class ServerState: @unchecked Sendable {
  // @unchecked: the descriptors are immutable after init (closed only in deinit, when no one
  // else holds this object); the inbox is behind `inboxLock`; `wakePending` is atomic. The lock
  // is a pthread mutex rather than a Synchronization.Mutex so that ThreadSanitizer, which
  // intercepts pthread calls but not the standard library's futex, sees the ordering it gives:
  // every channel and session creation crosses it, and TSan reported those as races.
  let epoll: Int32
  let wake: Int32
  let timer: Int32
  private let inboxLock = ConditionLock()
  private var commands: [ServerCommand] = []
  private var stopped = false
  /// True from a caller's wake-up write until the worker has taken its inbox; saves a write per
  /// command while the worker is already due to look.
  private let wakePending = Atomic<Bool>(false)
  /// The worker's pthread_t, stored by the worker when it starts (0 before).
  private let workerID = Atomic<UInt>(0)

  init() throws(NetworkError) {
    let epoll = rtpnet_epoll_create()
    guard epoll >= 0 else { throw .system(SystemError("epoll_create1", code: epoll)) }
    let wake = rtpnet_eventfd()
    guard wake >= 0 else {
      _ = close(epoll)
      throw .system(SystemError("eventfd", code: wake))
    }
    let timer = rtpnet_timerfd()
    guard timer >= 0 else {
      _ = close(epoll)
      _ = close(wake)
      throw .system(SystemError("timerfd_create", code: timer))
    }
    self.epoll = epoll
    self.wake = wake
    self.timer = timer
    for (fd, tag) in [(wake, ServerWorker.wakeTag), (timer, ServerWorker.timerTag)] {
      let status = rtpnet_epoll_control(epoll, RTPNET_EPOLL_ADD, fd, RTPNET_EPOLL_IN, tag)
      if status < 0 {
        closeDescriptors()
        throw .system(SystemError("epoll_ctl", code: status))
      }
    }
  }

  deinit { closeDescriptors() }

  private func closeDescriptors() {
    _ = close(epoll)
    _ = close(wake)
    _ = close(timer)
  }

  /// Queues a command for the worker and wakes it; `false` once the server has shut down.
  @discardableResult
  func post(_ command: ServerCommand) -> Bool {
    let accepted = inboxLock.withLock { () -> Bool in
      guard !stopped else { return false }
      if case .shutdown = command { stopped = true }
      commands.append(command)
      return true
    }
    if accepted, !wakePending.exchange(true, ordering: .sequentiallyConsistent) {
      _ = rtpnet_signal_eventfd(wake)
    }
    return accepted
  }

  /// Worker: takes every queued command.
  func takeCommands() -> [ServerCommand] {
    rtpnet_drain_counter(wake)
    wakePending.store(false, ordering: .sequentiallyConsistent)
    return inboxLock.withLock { () -> [ServerCommand] in
      let taken = commands
      commands.removeAll(keepingCapacity: true)
      return taken
    }
  }

  /// Worker: records which thread the worker is.
  func registerWorkerThread() {
    workerID.store(UInt(pthread_self()), ordering: .releasing)
  }

  /// Whether the caller is the worker thread (a callback calling back into the API).
  var isWorkerThread: Bool { workerID.load(ordering: .acquiring) == UInt(pthread_self()) }

  /// Whether ``RTPServer/shutdown()`` has been asked for.
  var isStopped: Bool { inboxLock.withLock { stopped } }
}
