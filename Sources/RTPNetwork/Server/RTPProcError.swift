#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#endif

/// What ``RTPProc`` and its channels report.
public enum RTPProcError: Error, CustomStringConvertible {
  /// The channel named `channel`'s callback threw `underlying`; the channel was unscheduled and
  /// the error is rethrown by ``RTPProcChannel/close()``.
  case callbackFailed(channel: String, underlying: any Error)
  /// The scheduler has been shut down.
  case shutDown
  /// The system refused the scheduler's worker thread (`pthread_create` failed with `errno`).
  case cannotStartThread(errno: Int32)

  public var description: String {
    switch self {
    case .callbackFailed(let channel, let underlying):
      return "processing channel \(channel) failed: \(underlying)"
    case .shutDown:
      return "the scheduler has been shut down"
    case .cannotStartThread(let code):
      return "cannot start the scheduler's thread: \(String(cString: strerror(code)))"
    }
  }
}
