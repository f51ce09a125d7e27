/// One periodic callback on an ``RTPProc``.
///
/// The callback gets `(now, deadline)` on the network clock — `deadline` is the time it asked
/// to run at (`nil` on the first call, made as soon as the channel is created) — and returns
/// the next time to run, or `nil` to stop. Returning `deadline + period` (or
/// `now + period` on the first call) keeps the schedule drift-free however late a run starts.
public final class RTPProcChannel: @unchecked Sendable {
  // @unchecked: every `var` is read and written only with the owning scheduler's lock held.

  /// `(now, deadline) -> next run time or nil`; see the type's documentation.
  public typealias Callback =
    @Sendable (_ now: NetworkInstant, _ deadline: NetworkInstant?) throws -> NetworkInstant?

  /// The name errors carry.
  public let name: String
  let identifier: Int
  let callback: Callback
  let proc: RTPProc

  /// Under the scheduler's lock: the pending run time in `CLOCK_MONOTONIC` nanoseconds (nil when
  /// unscheduled; ``RTPProc/firstRun`` for the first call).
  var nextRun: Int64?
  /// Under the scheduler's lock: whether ``close()`` was called.
  var closed = false
  /// Under the scheduler's lock: what the callback threw.
  var failure: (any Error)?

  init(name: String, identifier: Int, proc: RTPProc, callback: @escaping Callback) {
    self.name = name
    self.identifier = identifier
    self.proc = proc
    self.callback = callback
  }

  /// Whether the callback is still scheduled (it has not returned nil, thrown, or been closed).
  public var isScheduled: Bool { proc.isScheduled(self) }

  /// Unschedules the channel; once this returns its callback is not running and will not run
  /// again (unless called from that callback, which finishes). Rethrows, wrapped in
  /// ``RTPProcError/callbackFailed(channel:underlying:)``, what the callback threw, if it did.
  public func close() throws(RTPProcError) {
    if let failure = proc.close(self) {
      throw .callbackFailed(channel: name, underlying: failure)
    }
  }
}
