extension UnsafeRawBufferPointer {
  // Fixed-width reads at a byte offset. Callers check `offset + width <= count` first: these
  // helpers are the one place that loads, and they do not check again in release builds.

  /// The big-endian integer at `offset`.
  @inlinable
  package func loadBigEndian<T: FixedWidthInteger>(as type: T.Type = T.self, at offset: Int) -> T {
    T(bigEndian: loadUnaligned(fromByteOffset: offset, as: T.self))
  }

  /// The integer at `offset`, big-endian when `bigEndian` is true, little-endian otherwise.
  @inlinable
  package func loadInteger<T: FixedWidthInteger>(
    as type: T.Type = T.self, at offset: Int, bigEndian: Bool
  )
    -> T
  {
    let raw = loadUnaligned(fromByteOffset: offset, as: T.self)
    return bigEndian ? T(bigEndian: raw) : T(littleEndian: raw)
  }
}

extension UnsafeMutableRawBufferPointer {
  /// Writes `value` big-endian at `offset`; the caller has checked the bounds.
  @inlinable
  package func storeBigEndian<T: FixedWidthInteger>(_ value: T, at offset: Int) {
    storeBytes(of: value.bigEndian, toByteOffset: offset, as: T.self)
  }
}
