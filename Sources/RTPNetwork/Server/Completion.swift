import RTPBase

/// A one-shot event: one thread waits until another says the thing is done.
final class Completion: @unchecked Sendable {
  // @unchecked: `done` is read and written only with `lock` held.
  private let lock = ConditionLock()
  private var done = false

  /// Marks the event done and wakes the waiter.
  func signal() {
    lock.withLock {
      done = true
      lock.broadcast()
    }
  }

  /// Blocks until ``signal()`` has been called.
  func wait() {
    lock.withLock {
      while !done { lock.wait() }
    }
  }
}
