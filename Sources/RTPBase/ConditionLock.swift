#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#endif

/// A pthread mutex with a condition variable whose timed waits run on `CLOCK_MONOTONIC`, for
/// the places a ``Synchronization/Mutex`` is not enough: waiting for a worker to finish
/// something, or sleeping until a deadline unless woken.
package final class ConditionLock: @unchecked Sendable {
  // @unchecked: the pthread objects are the synchronisation; their storage is allocated once,
  // never moves, and is freed only in deinit.
  private let mutex: UnsafeMutablePointer<pthread_mutex_t>
  private let condition: UnsafeMutablePointer<pthread_cond_t>

  package init() {
    mutex = .allocate(capacity: 1)
    condition = .allocate(capacity: 1)
    pthread_mutex_init(mutex, nil)
    var attributes = pthread_condattr_t()
    pthread_condattr_init(&attributes)
    pthread_condattr_setclock(&attributes, CLOCK_MONOTONIC)
    pthread_cond_init(condition, &attributes)
    pthread_condattr_destroy(&attributes)
  }

  deinit {
    pthread_cond_destroy(condition)
    pthread_mutex_destroy(mutex)
    condition.deallocate()
    mutex.deallocate()
  }

  package func lock() { pthread_mutex_lock(mutex) }
  package func unlock() { pthread_mutex_unlock(mutex) }

  /// Runs `body` with the lock held.
  package func withLock<Result, Failure: Error>(_ body: () throws(Failure) -> Result)
    throws(Failure)
    -> Result
  {
    lock()
    defer { unlock() }
    return try body()
  }

  /// Waits for a broadcast; the caller holds the lock.
  package func wait() { pthread_cond_wait(condition, mutex) }

  /// Waits for a broadcast or until `deadline` (`CLOCK_MONOTONIC` ns); the caller holds the lock.
  package func wait(untilMonotonic deadline: Int64) {
    var time = timespec(
      tv_sec: Int(deadline / 1_000_000_000), tv_nsec: Int(deadline % 1_000_000_000))
    pthread_cond_timedwait(condition, mutex, &time)
  }

  /// Wakes every waiter.
  package func broadcast() { pthread_cond_broadcast(condition) }
}
