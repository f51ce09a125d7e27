#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#endif

/// A value behind a pthread mutex: ``withLock(_:)`` gives the body exclusive, `inout` access.
///
/// The library's state shared between threads (a server's inbox, a channel's producer side, a
/// session's state) is held in these rather than in `Synchronization.Mutex`, whose futex
/// ThreadSanitizer does not see: under `scripts/test --sanitize thread` every access it orders
/// was reported as a race. A pthread mutex costs the same uncontended, and TSan intercepts it.
package final class LockedValue<Value>: @unchecked Sendable {
  // @unchecked: `value` is only touched with `mutex` held; the mutex's storage is allocated
  // once, never moves, and is freed in deinit.
  private let mutex: UnsafeMutablePointer<pthread_mutex_t>
  private var value: Value

  /// A lock around `value`.
  package init(_ value: Value) {
    self.value = value
    mutex = .allocate(capacity: 1)
    pthread_mutex_init(mutex, nil)
  }

  deinit {
    pthread_mutex_destroy(mutex)
    mutex.deallocate()
  }

  /// Runs `body` with the lock held and the value to read or change.
  package func withLock<Result, Failure: Error>(
    _ body: (inout Value) throws(Failure) -> Result
  ) throws(Failure) -> Result {
    pthread_mutex_lock(mutex)
    defer { pthread_mutex_unlock(mutex) }
    return try body(&value)
  }
}
