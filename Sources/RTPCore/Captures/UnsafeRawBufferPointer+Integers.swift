extension UnsafeRawBufferPointer {
  // Fixed-width reads at a byte offset. Callers check `offset + width <= count` first: these
  // helpers are the one place that loads, and they do not check again in release builds.

  /// The big-endian `UInt16` at `offset`.
  @inline(__always)
  func uint16BE(at offset: Int) -> UInt16 {
    UInt16(bigEndian: loadUnaligned(fromByteOffset: offset, as: UInt16.self))
  }

  /// The big-endian `UInt32` at `offset`.
  @inline(__always)
  func uint32BE(at offset: Int) -> UInt32 {
    UInt32(bigEndian: loadUnaligned(fromByteOffset: offset, as: UInt32.self))
  }

  /// The `UInt16` at `offset`, big-endian when `bigEndian` is true, little-endian otherwise.
  @inline(__always)
  func uint16(at offset: Int, bigEndian: Bool) -> UInt16 {
    let raw = loadUnaligned(fromByteOffset: offset, as: UInt16.self)
    return bigEndian ? UInt16(bigEndian: raw) : UInt16(littleEndian: raw)
  }

  /// The `UInt32` at `offset`, big-endian when `bigEndian` is true, little-endian otherwise.
  @inline(__always)
  func uint32(at offset: Int, bigEndian: Bool) -> UInt32 {
    let raw = loadUnaligned(fromByteOffset: offset, as: UInt32.self)
    return bigEndian ? UInt32(bigEndian: raw) : UInt32(littleEndian: raw)
  }

  /// The `UInt64` at `offset`, big-endian when `bigEndian` is true, little-endian otherwise.
  @inline(__always)
  func uint64(at offset: Int, bigEndian: Bool) -> UInt64 {
    let raw = loadUnaligned(fromByteOffset: offset, as: UInt64.self)
    return bigEndian ? UInt64(bigEndian: raw) : UInt64(littleEndian: raw)
  }
}
