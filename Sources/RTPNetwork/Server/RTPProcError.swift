import RTPBase

/// What ``RTPProc`` and its channels report.
public enum RTPProcError: Error, CustomStringConvertible {
  /// The channel named `channel`'s callback threw `underlying`; the channel was unscheduled and
  /// the error is rethrown by ``RTPProcChannel/close()``.
  case callbackFailed(channel: String, underlying: any Error)
  /// The scheduler has been shut down.
  case shutDown
  /// The system refused the scheduler's worker thread: the `pthread_create` error (out of
  /// memory, or over the process's limit).
  case cannotStartThread(SystemError)

  public var description: String {
    switch self {
    case .callbackFailed(let channel, let underlying):
      return "processing channel \(channel) failed: \(underlying)"
    case .shutDown:
      return "the scheduler has been shut down"
    case .cannotStartThread(let error):
      return "\(error)"
    }
  }
}
