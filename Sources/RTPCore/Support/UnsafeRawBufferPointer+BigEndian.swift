extension UnsafeRawBufferPointer {
  /// Reads a big-endian integer at `offset`; the caller has checked the bounds.
  @inlinable
  func loadBigEndian<T: FixedWidthInteger>(at offset: Int, as type: T.Type = T.self) -> T {
    T(bigEndian: loadUnaligned(fromByteOffset: offset, as: T.self))
  }

  /// Reads a little-endian integer at `offset`; the caller has checked the bounds.
  @inlinable
  func loadLittleEndian<T: FixedWidthInteger>(at offset: Int, as type: T.Type = T.self) -> T {
    T(littleEndian: loadUnaligned(fromByteOffset: offset, as: T.self))
  }
}

extension UnsafeMutableRawBufferPointer {
  /// Writes `value` big-endian at `offset`; the caller has checked the bounds.
  @inlinable
  func storeBigEndian<T: FixedWidthInteger>(_ value: T, at offset: Int) {
    storeBytes(of: value.bigEndian, toByteOffset: offset, as: T.self)
  }

  /// Writes `value` little-endian at `offset`; the caller has checked the bounds.
  @inlinable
  func storeLittleEndian<T: FixedWidthInteger>(_ value: T, at offset: Int) {
    storeBytes(of: value.littleEndian, toByteOffset: offset, as: T.self)
  }
}
