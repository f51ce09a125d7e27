/// When a datagram arrived, from the kernel's per-packet timestamp (`SO_TIMESTAMPNS`).
public struct ReceiveTime: Sendable, Hashable {
  /// The kernel's receive timestamp: `CLOCK_REALTIME` in nanoseconds since the Unix epoch, the
  /// time a capture records.
  public var realtime: Int64
  /// The same instant on `CLOCK_MONOTONIC`, comparable with ``NetworkClock/monotonic`` and
  /// with send deadlines.
  public var monotonic: NetworkInstant

  /// A receive time read from both clocks: `realtime` in nanoseconds since the Unix epoch,
  /// `monotonic` on ``NetworkClock``.
  public init(realtime: Int64, monotonic: NetworkInstant) {
    self.realtime = realtime
    self.monotonic = monotonic
  }
}
