// RTPBase: capture times that never overflow, whatever a capture's time fields say.
import RTPCore

let first = CaptureTime(seconds: 1_700_000_000, nanoseconds: 250_000_000)!
let later = first.advanced(by: 20_000_000)!
print("first \(first) s, later \(later) s, \(later - first) ns apart")
// A time past what any capture format holds is refused, not wrapped.
print(
  "9e18 ns from the epoch:",
  CaptureTime(nanoseconds: 9_000_000_000_000_000_000) == nil ? "refused" : "held")
print("saturating:", CaptureTime.latest.advanced(saturatingBy: 1_000) == CaptureTime.latest)
