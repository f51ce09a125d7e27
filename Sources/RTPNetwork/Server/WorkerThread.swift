import CNetShim
import RTPBase

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#endif

/// A joinable pthread running one closure: the network workers need a real thread with a
/// stable identity (no Foundation `Thread` in RTPCore, no cooperative-pool task that could be
/// starved or must not block).
struct WorkerThread: @unchecked Sendable {
  // @unchecked: a pthread_t is an opaque handle; joining it is thread-safe once.
  let handle: pthread_t

  private final class Start {
    let name: String
    let body: @Sendable () -> Void
    init(name: String, body: @escaping @Sendable () -> Void) {
      self.name = name
      self.body = body
    }
  }

  /// Starts a thread named `name` (the kernel keeps 15 bytes) running `body`; throws the
  /// `pthread_create` error when the system refuses one.
  static func start(name: String, _ body: @escaping @Sendable () -> Void) throws(SystemError)
    -> WorkerThread
  {
    let start = Unmanaged.passRetained(Start(name: name, body: body)).toOpaque()
    var handle = pthread_t()
    let status = pthread_create(
      &handle, nil,
      { context in
        let start = Unmanaged<Start>.fromOpaque(context!).takeRetainedValue()
        rtpnet_set_thread_name(start.name)
        start.body()
        return nil
      }, start)
    guard status == 0 else {
      Unmanaged<Start>.fromOpaque(start).release()
      throw SystemError("pthread_create", code: status)
    }
    return WorkerThread(handle: handle)
  }

  /// Waits for the thread to end.
  func join() { pthread_join(handle, nil) }

  /// Lets the thread end on its own (when it cannot be joined: from itself).
  func detach() { pthread_detach(handle) }

  /// Whether the caller is this thread.
  var isCurrent: Bool { pthread_equal(handle, pthread_self()) != 0 }
}
