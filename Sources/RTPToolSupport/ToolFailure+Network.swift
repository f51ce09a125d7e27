import RTPNetwork
import RTPSessions

extension ToolFailure {
  /// A failure to set up sockets, sessions or their threads: status 70 (internal fault) when
  /// the system refused this process a thread, 69 (network unavailable) otherwise.
  public init(network error: any Error) {
    self.init(Self.refusedThread(error) ? .software : .unavailable, "\(error)")
  }

  private static func refusedThread(_ error: any Error) -> Bool {
    switch error {
    case RTPSessionError.cannotStartScheduler, RTPProcError.cannotStartThread:
      return true
    case NetworkError.systemCall(let operation, _),
      RTPSessionError.network(.systemCall(let operation, _)):
      return operation == "pthread_create"
    default:
      return false
    }
  }
}
