extension Duration {
  /// The duration in whole nanoseconds, truncated toward zero and saturated at `Int64`'s range:
  /// the one conversion from `Duration` to the nanosecond counts the network clock, the C shim
  /// and the capture times use. Never traps, whatever the duration (`components` would, for
  /// one past `Int64` seconds).
  @inlinable
  package var saturatingNanoseconds: Int64 {
    Int64(clamping: attoseconds / 1_000_000_000)
  }
}
