import CNetShim

/// An instant on the network clock, `CLOCK_MONOTONIC`: a send deadline, the time an ``RTPProc``
/// callback runs at, or when a datagram arrived (``ReceiveTime/monotonic``).
///
/// It is a count of nanoseconds from an unspecified start (the system's boot), so only the
/// distance between two instants means anything. Arithmetic with `Duration` saturates at the
/// ends of `Int64` nanoseconds instead of trapping: a deadline computed from input-controlled
/// times that lands past them is ``distantFuture``, "never", not a crash.
@frozen
public struct NetworkInstant: Sendable, Hashable, Comparable, InstantProtocol,
  CustomStringConvertible
{
  /// Nanoseconds on `CLOCK_MONOTONIC`, as the C shim and the kernel's timers count them.
  public let nanoseconds: Int64

  /// The instant `nanoseconds` after the network clock's start.
  @inlinable
  public init(nanoseconds: Int64) {
    self.nanoseconds = nanoseconds
  }

  /// The network clock now.
  @inlinable
  public static var now: NetworkInstant { NetworkInstant(nanoseconds: rtpnet_monotonic_ns()) }

  /// The latest instant, where saturating arithmetic ends: a deadline that never comes.
  public static let distantFuture = NetworkInstant(nanoseconds: .max)

  /// The instant `duration` later, saturated at the ends of the clock's range.
  @inlinable
  public func advanced(by duration: Duration) -> NetworkInstant {
    NetworkInstant(nanoseconds: PacingArithmetic.add(nanoseconds, duration.saturatingNanoseconds))
  }

  /// The time from this instant to `other`, negative when `other` is earlier; saturated at
  /// `Int64` nanoseconds.
  @inlinable
  public func duration(to other: NetworkInstant) -> Duration {
    .nanoseconds(PacingArithmetic.subtract(other.nanoseconds, nanoseconds))
  }

  /// The instant `duration` after `instant`, saturated.
  @inlinable
  public static func + (instant: NetworkInstant, duration: Duration) -> NetworkInstant {
    instant.advanced(by: duration)
  }

  /// The instant `duration` before `instant`, saturated.
  @inlinable
  public static func - (instant: NetworkInstant, duration: Duration) -> NetworkInstant {
    NetworkInstant(
      nanoseconds: PacingArithmetic.subtract(instant.nanoseconds, duration.saturatingNanoseconds))
  }

  /// The time from `earlier` to `later`, saturated.
  @inlinable
  public static func - (later: NetworkInstant, earlier: NetworkInstant) -> Duration {
    earlier.duration(to: later)
  }

  /// Moves `instant` `duration` later, saturated.
  @inlinable
  public static func += (instant: inout NetworkInstant, duration: Duration) {
    instant = instant + duration
  }

  /// Whether `lhs` comes before `rhs`.
  @inlinable
  public static func < (lhs: NetworkInstant, rhs: NetworkInstant) -> Bool {
    lhs.nanoseconds < rhs.nanoseconds
  }

  /// The nanosecond count, for logs.
  public var description: String { "\(nanoseconds) ns" }
}
