import CNetShim

/// The clocks the network types speak: deadlines and scheduling on `CLOCK_MONOTONIC`
/// (``NetworkInstant``), receive timestamps on `CLOCK_REALTIME` (nanoseconds since the Unix
/// epoch, as captures record them).
public enum NetworkClock {
  /// `CLOCK_MONOTONIC` now: the clock of send deadlines and ``RTPProc``; the same as
  /// ``NetworkInstant/now``.
  @inlinable public static var monotonic: NetworkInstant { .now }
  /// `CLOCK_REALTIME` now, in nanoseconds since the Unix epoch.
  @inlinable public static var realtime: Int64 { rtpnet_realtime_ns() }
}
