import ArgumentParser

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// A point in time given as Unix epoch seconds (decimals allowed) or `now`.
public enum StartTime: ExpressibleByArgument, Sendable, Hashable {
  case now
  case epoch(nanoseconds: Int64)

  public init?(argument: String) {
    if argument == "now" {
      self = .now
    } else if let seconds = DecimalSeconds(argument: argument), seconds.nanoseconds >= 0 {
      self = .epoch(nanoseconds: seconds.nanoseconds)
    } else {
      return nil
    }
  }

  /// Nanoseconds since the Unix epoch, reading the real-time clock for `now`.
  public var nanosecondsSinceEpoch: Int64 {
    switch self {
    case .epoch(let nanoseconds):
      return nanoseconds
    case .now:
      var time = timespec()
      clock_gettime(CLOCK_REALTIME, &time)
      return Int64(time.tv_sec) * 1_000_000_000 + Int64(time.tv_nsec)
    }
  }
}
