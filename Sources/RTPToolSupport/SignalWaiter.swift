#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#endif

/// Receives SIGINT and SIGTERM as events instead of interrupts.
///
/// Created before any thread starts, it blocks both signals in the calling thread, which every
/// thread created later inherits; the main thread then collects them with ``wait(nanoseconds:)``
/// between its other checks. A tool interrupted this way stops at a point of its choosing, with
/// its output flushed and valid, and nothing runs in a signal handler.
public struct SignalWaiter: Sendable {
  private let signals: sigset_t

  /// Blocks SIGINT and SIGTERM for this thread and the threads it starts from now on.
  public init() {
    var set = sigset_t()
    sigemptyset(&set)
    sigaddset(&set, SIGINT)
    sigaddset(&set, SIGTERM)
    pthread_sigmask(SIG_BLOCK, &set, nil)
    signals = set
  }

  /// Waits up to `nanoseconds` for SIGINT or SIGTERM; returns the signal's number, or `nil` when
  /// the time ran out first.
  public func wait(nanoseconds: Int64) -> Int32? {
    var set = signals
    var timeout = timespec(
      tv_sec: Int(nanoseconds / 1_000_000_000), tv_nsec: Int(nanoseconds % 1_000_000_000))
    let result = sigtimedwait(&set, nil, &timeout)
    return result > 0 ? result : nil
  }
}
