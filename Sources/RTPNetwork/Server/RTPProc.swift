import RTPBase

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#endif

/// librtpsynth's `RtpProc`: one worker thread running the periodic processing callbacks of many
/// channels or sessions (generating, pacing, timing out), each at its own deadlines.
///
/// Use ``shared`` as the process-wide scheduler, or make instances (tests, isolation). The
/// worker sleeps on `CLOCK_MONOTONIC` until the earliest deadline; callbacks run one at a time
/// on it and should be short.
public final class RTPProc: @unchecked Sendable {
  // @unchecked: every `var` is read and written only with `lock` held.

  /// The process-wide scheduler, started on first use.
  ///
  /// - Throws: ``RTPProcError/cannotStartThread(_:)`` when its thread could not be started
  ///   (then, on every use).
  public static var shared: RTPProc {
    get throws(RTPProcError) { try sharedScheduler.get() }
  }

  private static let sharedScheduler = Result { () throws(RTPProcError) in
    do throws(SystemError) {
      return try RTPProc(name: "rtp-proc")
    } catch {
      throw .cannotStartThread(error)
    }
  }

  /// The pending run time of a channel whose first call, made as soon as it is created, has not
  /// run yet.
  static let firstRun = Int64.min

  private let lock = ConditionLock()
  private var worker: WorkerThread?
  private var channels: [Int: RTPProcChannel] = [:]
  private var starting: [RTPProcChannel] = []
  private var deadlines = DeadlineHeap()
  private var nextIdentifier = 0
  private var running: Int?
  private var stopped = false

  /// Starts a scheduler with its own worker thread named `name`.
  ///
  /// - Throws: the `pthread_create` error when the system refuses a thread (out of memory or
  ///   over the process limit).
  public init(name: String = "rtp-proc") throws(SystemError) {
    // The thread holds the scheduler strongly until shutdown() ends it.
    worker = try WorkerThread.start(name: name) { self.run() }
  }

  /// Schedules `callback`, which is called at once on the worker without a deadline, then at
  /// the times it returns. `name` identifies the channel in errors.
  public func createChannel(name: String? = nil, _ callback: @escaping RTPProcChannel.Callback)
    throws(RTPProcError) -> RTPProcChannel
  {
    try lock.withLock { () throws(RTPProcError) -> RTPProcChannel in
      guard !stopped else { throw .shutDown }
      nextIdentifier += 1
      let channel = RTPProcChannel(
        name: name ?? "proc-\(nextIdentifier)", identifier: nextIdentifier, proc: self,
        callback: callback)
      channels[channel.identifier] = channel
      channel.nextRun = Self.firstRun
      starting.append(channel)
      lock.broadcast()
      return channel
    }
  }

  /// Stops the worker thread after the callback running now, if any; channels are unscheduled.
  /// Safe to call more than once.
  public func shutdown() {
    let thread: WorkerThread? = lock.withLock {
      stopped = true
      lock.broadcast()
      let thread = worker
      worker = nil
      for channel in channels.values { channel.nextRun = nil }
      channels.removeAll()
      starting.removeAll()
      return thread
    }
    guard let thread else { return }
    if thread.isCurrent { thread.detach() } else { thread.join() }
  }

  func isScheduled(_ channel: RTPProcChannel) -> Bool {
    lock.withLock { !channel.closed && !stopped && channel.nextRun != nil }
  }

  /// Unschedules `channel`, waits for a run of it in progress on another thread, and returns
  /// what its callback threw.
  func close(_ channel: RTPProcChannel) -> (any Error)? {
    lock.withLock {
      channel.closed = true
      channel.nextRun = nil
      channels[channel.identifier] = nil
      let onWorker = workerThreadIsCurrent()
      while running == channel.identifier, !onWorker { lock.wait() }
      return channel.failure
    }
  }

  /// Whether the caller is the worker (kept after shutdown so a callback closing itself during
  /// shutdown does not wait for itself).
  private var workerHandle: WorkerThread?

  private func workerThreadIsCurrent() -> Bool { workerHandle?.isCurrent ?? false }

  private func run() {
    lock.lock()
    workerHandle = WorkerThread(handle: pthread_self())
    defer { lock.unlock() }
    while !stopped {
      if !starting.isEmpty {
        let channel = starting.removeFirst()
        guard !channel.closed else { continue }
        call(channel, deadline: nil)
        continue
      }
      guard let first = deadlines.first else {
        lock.wait()
        continue
      }
      let now = NetworkClock.monotonic.nanoseconds
      guard first.deadline <= now else {
        lock.wait(untilMonotonic: first.deadline)
        continue
      }
      _ = deadlines.removeFirst()
      guard let channel = channels[first.tag], channel.nextRun == first.deadline else { continue }
      call(channel, deadline: first.deadline)
    }
  }

  /// Runs one callback with the lock released; the caller holds the lock.
  private func call(_ channel: RTPProcChannel, deadline: Int64?) {
    running = channel.identifier
    lock.unlock()
    let result: Result<NetworkInstant?, any Error>
    do {
      result = .success(
        try channel.callback(NetworkClock.monotonic, deadline.map(NetworkInstant.init)))
    } catch {
      result = .failure(error)
    }
    lock.lock()
    running = nil
    lock.broadcast()
    channel.nextRun = nil
    guard !channel.closed else { return }
    switch result {
    case .success(let next?):
      channel.nextRun = next.nanoseconds
      deadlines.insert(deadline: next.nanoseconds, tag: channel.identifier)
    case .success(nil):
      break
    case .failure(let error):
      channel.failure = error
    }
  }
}
