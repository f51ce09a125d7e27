import CNetShim

/// The clocks the network types speak: deadlines and scheduling on `CLOCK_MONOTONIC`, receive
/// timestamps on `CLOCK_REALTIME`, both in nanoseconds.
public enum NetworkClock {
  /// `CLOCK_MONOTONIC` now, in nanoseconds: the clock of send deadlines and ``RTPProc``.
  @inlinable public static var monotonic: Int64 { rtpnet_monotonic_ns() }
  /// `CLOCK_REALTIME` now, in nanoseconds since the Unix epoch.
  @inlinable public static var realtime: Int64 { rtpnet_realtime_ns() }
}
