import SystemPackage

/// A buffered writer to a file descriptor.
///
/// Writers fill space reserved with ``reserve(_:)`` in place and ``commit(_:)`` it, so a record
/// is assembled once, in the buffer, and leaves in large `write(2)` calls.
public final class OutputSink {
  private let fileDescriptor: FileDescriptor
  // Stored state below is exempt from run-time exclusivity checks: only this type's own
  // methods touch it, on one thread (docs/ARCHITECTURE.md, Performance conventions).
  // The buffer is usable from inlinable code: the capture writers of the layer above reserve
  // and commit per packet, and a call there would cost more than the test it makes.
  @usableFromInline @exclusivity(unchecked) internal var storage: UnsafeMutableRawBufferPointer
  @usableFromInline @exclusivity(unchecked) internal var used = 0
  /// Bytes handed to the operating system so far.
  @exclusivity(unchecked) public private(set) var bytesWritten: UInt64 = 0
  /// Bytes appended and not yet handed to the operating system.
  public var bufferedByteCount: Int { used }

  /// Creates a sink writing to `fileDescriptor`, which the caller keeps open and closes.
  public init(fileDescriptor: FileDescriptor, capacity: Int = 1 << 20) {
    self.fileDescriptor = fileDescriptor
    self.storage = .allocate(byteCount: max(capacity, 4096), alignment: 16)
  }

  deinit {
    storage.deallocate()
  }

  /// Returns `count` writable bytes at the end of the buffer, flushing first if they do not fit.
  /// Only the bytes later committed are written.
  @inlinable @inline(__always)
  public func reserve(_ count: Int) throws(IOError) -> UnsafeMutableRawBufferPointer {
    if storage.count - used < count { try makeRoom(count) }
    return UnsafeMutableRawBufferPointer(rebasing: storage[used..<(used + count)])
  }

  /// ``reserve(_:)`` as the address of the space alone, for a writer that stores at offsets it
  /// has bounded by `count` (no slice to check).
  @inlinable @inline(__always)
  package func reserveBytes(_ count: Int) throws(IOError) -> UnsafeMutableRawPointer {
    if storage.count &- used < count { try makeRoom(count) }
    return storage.baseAddress.unsafelyUnwrapped + used
  }

  /// Flushes so that `count` bytes fit, growing the buffer if they would not fit even empty.
  @inline(never) @usableFromInline
  internal func makeRoom(_ count: Int) throws(IOError) {
    try flush()
    if storage.count < count {
      storage.deallocate()
      storage = .allocate(byteCount: count, alignment: 16)
    }
  }

  /// Appends `count` bytes of the space last reserved.
  @inlinable @inline(__always)
  public func commit(_ count: Int) {
    precondition(used + count <= storage.count)
    used += count
  }

  /// Appends `bytes`.
  public func write(_ bytes: UnsafeRawBufferPointer) throws(IOError) {
    if bytes.count > storage.count {
      try flush()
      try writeAll(bytes)
      return
    }
    let space = try reserve(bytes.count)
    space.copyMemory(from: bytes)
    commit(bytes.count)
  }

  /// Appends `bytes`.
  public func write(_ bytes: some Sequence<UInt8>) throws(IOError) {
    for byte in bytes {
      let space = try reserve(1)
      space[0] = byte
      commit(1)
    }
  }

  /// Writes everything buffered.
  public func flush() throws(IOError) {
    guard used > 0 else { return }
    let pending = UnsafeRawBufferPointer(rebasing: storage[0..<used])
    used = 0
    try writeAll(pending)
  }

  private func writeAll(_ bytes: UnsafeRawBufferPointer) throws(IOError) {
    var rest = bytes
    while !rest.isEmpty {
      do {
        let n = try fileDescriptor.write(rest, retryOnInterrupt: true)
        rest = UnsafeRawBufferPointer(rebasing: rest[n...])
        bytesWritten += UInt64(n)
      } catch let errno as Errno {
        if errno == .brokenPipe { throw .brokenPipe }
        throw .writeFailed(offset: bytesWritten, errno: errno)
      } catch {
        throw .writeFailed(offset: bytesWritten, errno: .ioError)
      }
    }
  }
}
