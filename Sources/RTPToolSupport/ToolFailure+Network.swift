import RTPNetwork
import RTPSessions

extension ToolFailure {
  /// A failure to set up sockets, sessions or their threads: status 70 (internal fault) when
  /// the system refused this process a thread, 69 (network unavailable) otherwise. The line is
  /// the error's own, which carries the failed call and its reason.
  public init(network error: any Error) {
    self.init(Self.refusedThread(error) ? .software : .unavailable, "\(error)")
  }

  private static func refusedThread(_ error: any Error) -> Bool {
    switch error {
    case NetworkError.cannotStartThread, RTPProcError.cannotStartThread,
      RTPSessionError.network(.cannotStartThread), RTPSessionError.cannotStartScheduler:
      return true
    default:
      return false
    }
  }
}
