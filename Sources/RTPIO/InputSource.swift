import SystemPackage

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// A reader over a file descriptor that hands out windows into its bytes.
///
/// Parsers ask for the next `count` bytes with ``peek(_:)``, look at them in place, and then
/// ``consume(_:)`` what they used. Memory stays flat however long the input is:
///
/// - A regular file is mapped (`mmap(2)`, `MADV_SEQUENTIAL`) a window at a time, and windows
///   are unmapped behind the reader, so its bytes are read in place with no copy into a buffer.
///   Each window is bounded by the file's size when it is mapped, so a file that grows while it
///   is read is read to its new end. A file truncated by another process while its window is
///   mapped makes the kernel raise `SIGBUS` on the first access past the new end; the tools
///   document that as a limit (a file being rewritten in place is not a capture to read).
/// - Anything else (a pipe, a terminal, a socket) is read with `read(2)` into a buffer.
/// - After ``startDecompressing(_:)``, the bytes handed out are those the compressed input
///   inflates to, decompressed a buffer at a time.
///
/// A window or buffer grows only when a caller asks for a larger one, and callers bound that.
public final class InputSource {
  /// Where bytes come from.
  private enum Backing {
    /// `read(2)` into `storage`.
    case descriptor(FileDescriptor)
    /// Windows of a regular file mapped in turn; `storage` is the current window.
    case mapped(FileDescriptor)
    /// Memory given at creation (tests and fuzzing): all of it in `storage`, or, chunked, at
    /// most `chunk` bytes per fill from `pending`.
    case memory
    /// Decompressed from another source into `storage`.
    case decompressing(Decompressor)
  }

  @exclusivity(unchecked) private var backing: Backing
  // Stored state below is exempt from run-time exclusivity checks: only this type's own
  // methods touch it, on one thread (docs/ARCHITECTURE.md, Performance conventions).
  // The window (`storage`, `start`, `end`) is usable from inlinable code: the capture readers
  // of the layer above take their bytes from it per record, and a call there would cost more
  // than the test it makes.
  @usableFromInline @exclusivity(unchecked) internal var storage: UnsafeMutableRawBufferPointer
  @usableFromInline @exclusivity(unchecked) internal var start = 0
  @usableFromInline @exclusivity(unchecked) internal var end = 0
  @exclusivity(unchecked) private var atEnd = false
  /// The offset of `storage`'s first byte, counted from where the source started (wrapping: a
  /// mapped window may begin up to a page before that).
  @usableFromInline @exclusivity(unchecked) internal var consumedBeforeStart: UInt64 = 0
  /// For a source over memory read in chunks: the bytes not yet read, and the most per read.
  @exclusivity(unchecked) private var pending = UnsafeRawBufferPointer(start: nil, count: 0)
  private let chunk: Int
  /// For a mapped file: the file offset where the source started, the offset of the current
  /// window's first byte, and the size of windows mapped.
  @exclusivity(unchecked) private var fileStart: Int64 = 0
  @exclusivity(unchecked) private var windowOffset: Int64 = 0
  private var windowSize = 0
  /// A failure of decompression found after bytes before it had been produced: thrown when a
  /// caller asks for more than those bytes.
  @exclusivity(unchecked) private var deferredFailure: IOError?

  /// The default size of the read buffer, and a quarter of a mapped window.
  public static let defaultCapacity = 1 << 20

  /// Creates a source reading `fileDescriptor`, which the caller keeps open and closes.
  ///
  /// A regular file of non-zero size is mapped in windows of four times `capacity` (rounded to
  /// pages), from the descriptor's position; as with reads, the descriptor's position runs up to
  /// a window ahead of what has been handed out. Anything else is read into a buffer of
  /// `capacity` bytes.
  public init(fileDescriptor: FileDescriptor, capacity: Int = defaultCapacity) {
    chunk = 0
    var info = stat()
    let position = lseek(fileDescriptor.rawValue, 0, SEEK_CUR)
    if fstat(fileDescriptor.rawValue, &info) == 0, info.st_mode & S_IFMT == S_IFREG,
      info.st_size > 0, position >= 0
    {
      let page = Int(getpagesize())
      let wanted = max(capacity, 1) * 4
      backing = .mapped(fileDescriptor)
      storage = UnsafeMutableRawBufferPointer(start: nil, count: 0)
      windowSize = (wanted + page - 1) / page * page
      fileStart = Int64(position)
      windowOffset = Int64(position)
    } else {
      backing = .descriptor(fileDescriptor)
      storage = .allocate(byteCount: max(capacity, 4096), alignment: 16)
    }
  }

  /// Creates a source over `bytes`, which the caller keeps alive while the source is in use: for
  /// tests and fuzzing.
  ///
  /// With `chunk` `nil`, the buffer holds exactly `bytes`, so that a reader looking past the end
  /// of the input touches memory outside any allocation (which AddressSanitizer reports). With a
  /// `chunk`, the bytes arrive at most `chunk` at a time into a buffer of `capacity`, as from a
  /// slow pipe, so that buffer refills, moves and growth are exercised.
  package init(bytes: UnsafeRawBufferPointer, chunk: Int? = nil, capacity: Int = 4096) {
    backing = .memory
    if let chunk {
      precondition(chunk > 0 && capacity > 0)
      self.chunk = chunk
      pending = bytes
      storage = .allocate(byteCount: capacity, alignment: 16)
    } else {
      self.chunk = 0
      pending = UnsafeRawBufferPointer(start: nil, count: 0)
      storage = .allocate(byteCount: bytes.count, alignment: 16)
      if let base = bytes.baseAddress, !bytes.isEmpty {
        storage.baseAddress!.copyMemory(from: base, byteCount: bytes.count)
      }
      end = bytes.count
      atEnd = true
    }
  }

  /// A source that takes over `other`'s state, for ``startDecompressing(_:)``.
  private init(takingOver other: InputSource) {
    backing = other.backing
    storage = other.storage
    start = other.start
    end = other.end
    atEnd = other.atEnd
    consumedBeforeStart = other.consumedBeforeStart
    pending = other.pending
    chunk = other.chunk
    fileStart = other.fileStart
    windowOffset = other.windowOffset
    windowSize = other.windowSize
    deferredFailure = other.deferredFailure
  }

  deinit {
    release()
  }

  private func release() {
    switch backing {
    case .mapped:
      if let base = storage.baseAddress { munmap(base, storage.count) }
    case .descriptor, .memory, .decompressing:
      storage.deallocate()
    }
    storage = UnsafeMutableRawBufferPointer(start: nil, count: 0)
  }

  /// The offset in the input of the next unconsumed byte, counted from where the source started
  /// (in the decompressed bytes, once decompressing).
  @inlinable
  public var offset: UInt64 { consumedBeforeStart &+ UInt64(start) }

  /// How many bytes of the underlying input (a file's or pipe's own bytes, compressed or not)
  /// have been consumed: ``offset`` until decompression starts, then the compressed bytes the
  /// decompressor has taken. Progress meters measure this against the input's size.
  public var inputOffset: UInt64 {
    if case .decompressing(let decompressor) = backing { return decompressor.inputOffset }
    return offset
  }

  /// The compression being undone, or `nil` when the bytes are handed out as they are.
  public var compression: Compression? {
    if case .decompressing(let decompressor) = backing { return decompressor.compression }
    return nil
  }

  /// Whether every byte of the input has been consumed; reads ahead to find out.
  public func isExhausted() throws(IOError) -> Bool {
    try peekAvailable().isEmpty
  }

  /// Returns a window of at least `count` unconsumed bytes, or all that remain if the input ends
  /// first. The window is valid until the next call on this source.
  ///
  /// - Precondition: `count` is not negative.
  @inlinable @inline(__always)
  public func peek(_ count: Int) throws(IOError) -> UnsafeRawBufferPointer {
    precondition(count >= 0)
    // Most calls find their bytes in the window already: that test is all they cost.
    if end - start >= count {
      return UnsafeRawBufferPointer(rebasing: storage[start..<(start + count)])
    }
    return try peekFilling(count)
  }

  /// Every unconsumed byte in the window, at least `minimum` of them unless the input ends
  /// first: ``peek(_:)`` without the cut to `count`, for a parser that finds a record's length
  /// in its first bytes and can then take the whole record from the same window. Valid until
  /// the next call on this source.
  ///
  /// - Precondition: `minimum` is not negative.
  @inlinable @inline(__always)
  public func peekWindow(minimum: Int) throws(IOError) -> UnsafeRawBufferPointer {
    precondition(minimum >= 0)
    if end - start < minimum { _ = try peekFilling(minimum) }
    return UnsafeRawBufferPointer(rebasing: storage[start..<end])
  }

  /// The unconsumed bytes already in the window, without reading or mapping more (empty when
  /// there are none): for a parser's fast path, which takes the general one when what it wants
  /// is not all there. Valid until the next call on this source.
  @inlinable @inline(__always)
  package var buffered: UnsafeRawBufferPointer {
    UnsafeRawBufferPointer(start: storage.baseAddress.map { $0 + start }, count: end &- start)
  }

  /// ``consume(_:)`` for `count` bytes of ``buffered``, which the caller has checked.
  @inlinable @inline(__always)
  package func consumeBuffered(_ count: Int) {
    start &+= count
  }

  /// ``peek(_:)`` when the window holds fewer than `count` bytes: maps or reads more.
  @inline(never) @usableFromInline
  internal func peekFilling(_ count: Int) throws(IOError) -> UnsafeRawBufferPointer {
    while end - start < count && !atEnd {
      try fill(minimum: count)
    }
    if end - start < count, let deferredFailure { throw deferredFailure }
    return UnsafeRawBufferPointer(rebasing: storage[start..<min(end, start + count)])
  }

  /// Returns whatever is buffered, reading more only when nothing is; empty at the end of input.
  public func peekAvailable() throws(IOError) -> UnsafeRawBufferPointer {
    if end == start && !atEnd {
      try fill(minimum: 1)
    }
    if end == start, let deferredFailure { throw deferredFailure }
    return UnsafeRawBufferPointer(rebasing: storage[start..<end])
  }

  /// Marks `count` bytes returned by the last peek as used.
  ///
  /// - Precondition: `count` is between 0 and what the last peek returned.
  @inlinable @inline(__always)
  public func consume(_ count: Int) {
    precondition(count >= 0 && count <= end - start)
    start += count
  }

  /// Skips `count` bytes, reading and discarding those not yet buffered. Returns how many were
  /// skipped, fewer than `count` when the input ends first.
  @discardableResult
  public func skip(_ count: UInt64) throws(IOError) -> UInt64 {
    if case .mapped(let descriptor) = backing, count > UInt64(end - start) {
      // Past the window: move the window rather than map what is skipped.
      let before = offset
      let beyond = count - UInt64(end - start)
      start = end
      try remap(minimum: 1, skipping: beyond, descriptor: descriptor)
      return offset &- before
    }
    var remaining = count
    while remaining > 0 {
      let window = try peekAvailable()
      if window.isEmpty { break }
      let step = Int(min(UInt64(window.count), remaining))
      consume(step)
      remaining -= UInt64(step)
    }
    return count - remaining
  }

  /// From here on, hands out the bytes that the rest of the input decompresses to: for a
  /// capture compressed as a whole, which readers then parse as if it were not. Call it before
  /// anything has been consumed past the compressed stream's first byte; ``offset`` then counts
  /// decompressed bytes from zero, and ``inputOffset`` the compressed bytes.
  ///
  /// Damage in the compressed stream (a bad header, a corrupt block, a failed check, an end in
  /// the middle) is ``IOError/corrupt(compression:offset:reason:)``, thrown only once every
  /// byte decompressed before it has been handed out: by ``peekAvailable()`` when nothing is
  /// left, by ``peek(_:)`` when it asks for more than is left (a record the damage cuts).
  public func startDecompressing(_ compression: Compression) throws(IOError) {
    if case .decompressing = backing { return }
    let inner = InputSource(takingOver: self)
    let decompressor = try Decompressor(compression, source: inner)
    backing = .decompressing(decompressor)
    storage = .allocate(byteCount: Self.defaultCapacity, alignment: 16)
    start = 0
    end = 0
    atEnd = false
    consumedBeforeStart = 0
    pending = UnsafeRawBufferPointer(start: nil, count: 0)
    deferredFailure = nil
  }

  private func fill(minimum: Int) throws(IOError) {
    if case .mapped(let descriptor) = backing {
      try remap(minimum: minimum, skipping: 0, descriptor: descriptor)
      return
    }
    if deferredFailure != nil {
      atEnd = true
      return
    }
    if minimum > storage.count - start {
      if minimum > storage.count {
        let grown = UnsafeMutableRawBufferPointer.allocate(
          byteCount: max(minimum, storage.count * 2), alignment: 16)
        grown.baseAddress!.copyMemory(from: storage.baseAddress! + start, byteCount: end - start)
        storage.deallocate()
        storage = grown
      } else {
        storage.baseAddress!.copyMemory(from: storage.baseAddress! + start, byteCount: end - start)
      }
      consumedBeforeStart += UInt64(start)
      end -= start
      start = 0
    }
    let room = UnsafeMutableRawBufferPointer(rebasing: storage[end...])
    switch backing {
    case .memory:
      let got = min(room.count, chunk, pending.count)
      if got == 0 {
        atEnd = true
      } else {
        room.baseAddress!.copyMemory(from: pending.baseAddress!, byteCount: got)
        pending = UnsafeRawBufferPointer(rebasing: pending[got...])
        end += got
      }
    case .descriptor(let fileDescriptor):
      let got: Int
      do {
        got = try fileDescriptor.read(into: room, retryOnInterrupt: true)
      } catch let errno as Errno {
        throw .readFailed(offset: consumedBeforeStart + UInt64(end), errno: errno)
      } catch {
        throw .readFailed(offset: consumedBeforeStart + UInt64(end), errno: .ioError)
      }
      if got == 0 { atEnd = true } else { end += got }
    case .decompressing(let decompressor):
      let (got, failure) = decompressor.decompress(into: room)
      end += got
      if let failure {
        // What came out before the damage is handed out first.
        if got == 0 { throw failure }
        deferredFailure = failure
      } else if got == 0 {
        atEnd = true
      }
    case .mapped:
      break
    }
  }

  /// Maps the window that starts at the next unconsumed byte (plus `skipping` bytes) and holds
  /// at least `minimum` bytes, or the rest of the file; sets `atEnd` when the file holds nothing
  /// past what is mapped. A skip past the end leaves the source at the end of the file.
  private func remap(minimum: Int, skipping: UInt64, descriptor: FileDescriptor) throws(IOError) {
    let next = windowOffset + Int64(start)
    let wanted = next &+ Int64(clamping: skipping)
    var info = stat()
    guard fstat(descriptor.rawValue, &info) == 0 else {
      throw .readFailed(offset: UInt64(next - fileStart), errno: Errno(rawValue: errno))
    }
    let size = Int64(info.st_size)
    let mappedEnd = windowOffset + Int64(end)
    // Nothing past what is already mapped (skipping counts as past it): the end of input.
    if size <= (skipping > 0 ? wanted : mappedEnd) {
      if skipping > 0 {
        // A skip to or past the end: consume up to the end of the file.
        moveWindow(to: max(min(size, wanted), next), length: 0)
      }
      atEnd = true
      return
    }
    let page = Int64(getpagesize())
    let aligned = wanted / page * page
    let length = min(size - aligned, max(Int64(windowSize), wanted - aligned + Int64(minimum)))
    if let base = storage.baseAddress {
      munmap(base, storage.count)
      storage = UnsafeMutableRawBufferPointer(start: nil, count: 0)
    }
    let mapping = mmap(
      nil, Int(length), PROT_READ, MAP_PRIVATE, descriptor.rawValue,
      off_t(aligned))
    guard let mapping, mapping != MAP_FAILED else {
      let code = Errno(rawValue: errno)
      moveWindow(to: wanted, length: 0)
      throw .readFailed(offset: UInt64(wanted - fileStart), errno: code)
    }
    _ = madvise(mapping, Int(length), MADV_SEQUENTIAL)
    storage = UnsafeMutableRawBufferPointer(start: mapping, count: Int(length))
    windowOffset = aligned
    start = Int(wanted - aligned)
    end = Int(length)
    consumedBeforeStart = UInt64(bitPattern: aligned &- fileStart)
    // As reads would: the descriptor's position is at the end of what has been taken in.
    _ = lseek(descriptor.rawValue, off_t(aligned + length), SEEK_SET)
  }

  /// Leaves no window mapped, with the next unconsumed byte at file offset `position`.
  private func moveWindow(to position: Int64, length: Int) {
    if let base = storage.baseAddress { munmap(base, storage.count) }
    storage = UnsafeMutableRawBufferPointer(start: nil, count: 0)
    windowOffset = position
    start = 0
    end = length
    consumedBeforeStart = UInt64(bitPattern: position &- fileStart)
  }
}
