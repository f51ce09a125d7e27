import SystemPackage

/// A buffered reader over a file descriptor that hands out windows into its buffer.
///
/// Parsers ask for the next `count` bytes with ``peek(_:)``, look at them in place, and then
/// ``consume(_:)`` what they used. Memory stays at the buffer's size, however long the input is;
/// the buffer grows only when a caller asks for a larger window, and callers bound that.
public final class InputSource {
  /// Where bytes come from: `nil` for a source over memory (see ``init(bytes:chunk:capacity:)``).
  private let fileDescriptor: FileDescriptor?
  // Stored state below is exempt from run-time exclusivity checks: only this type's own
  // methods touch it, on one thread, and the checks cost a fifth of a tool's time per packet.
  @exclusivity(unchecked) private var storage: UnsafeMutableRawBufferPointer
  @exclusivity(unchecked) private var start = 0
  @exclusivity(unchecked) private var end = 0
  @exclusivity(unchecked) private var atEnd = false
  @exclusivity(unchecked) private var consumedBeforeStart: UInt64 = 0
  /// For a source over memory read in chunks: the bytes not yet read, and the most per read.
  @exclusivity(unchecked) private var pending = UnsafeRawBufferPointer(start: nil, count: 0)
  private let chunk: Int

  /// Creates a source reading `fileDescriptor`, which the caller keeps open and closes.
  public init(fileDescriptor: FileDescriptor, capacity: Int = 1 << 20) {
    self.fileDescriptor = fileDescriptor
    self.chunk = 0
    self.storage = .allocate(byteCount: max(capacity, 4096), alignment: 16)
  }

  /// Creates a source over `bytes`, which the caller keeps alive while the source is in use: for
  /// tests and fuzzing.
  ///
  /// With `chunk` `nil`, the buffer holds exactly `bytes`, so that a reader looking past the end
  /// of the input touches memory outside any allocation (which AddressSanitizer reports). With a
  /// `chunk`, the bytes arrive at most `chunk` at a time into a buffer of `capacity`, as from a
  /// slow pipe, so that buffer refills, moves and growth are exercised.
  init(bytes: UnsafeRawBufferPointer, chunk: Int? = nil, capacity: Int = 4096) {
    fileDescriptor = nil
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

  deinit {
    storage.deallocate()
  }

  /// The absolute offset in the input of the next unconsumed byte.
  public var offset: UInt64 { consumedBeforeStart + UInt64(start) }

  /// Whether every byte of the input has been consumed; reads ahead to find out.
  public func isExhausted() throws(IOError) -> Bool {
    try peekAvailable().isEmpty
  }

  /// Returns a window of at least `count` unconsumed bytes, or all that remain if the input ends
  /// first. The window is valid until the next call on this source.
  public func peek(_ count: Int) throws(IOError) -> UnsafeRawBufferPointer {
    precondition(count >= 0)
    while end - start < count && !atEnd {
      try fill(minimum: count)
    }
    return UnsafeRawBufferPointer(rebasing: storage[start..<min(end, start + count)])
  }

  /// Returns whatever is buffered, reading more only when nothing is; empty at the end of input.
  public func peekAvailable() throws(IOError) -> UnsafeRawBufferPointer {
    if end == start && !atEnd {
      try fill(minimum: 1)
    }
    return UnsafeRawBufferPointer(rebasing: storage[start..<end])
  }

  /// Marks `count` bytes returned by the last peek as used.
  public func consume(_ count: Int) {
    precondition(count >= 0 && count <= end - start)
    start += count
  }

  /// Skips `count` bytes, reading and discarding those not yet buffered. Returns how many were
  /// skipped, fewer than `count` when the input ends first.
  @discardableResult
  public func skip(_ count: UInt64) throws(IOError) -> UInt64 {
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

  private func fill(minimum: Int) throws(IOError) {
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
    guard let fileDescriptor else {
      let got = min(room.count, chunk, pending.count)
      if got == 0 {
        atEnd = true
      } else {
        room.baseAddress!.copyMemory(from: pending.baseAddress!, byteCount: got)
        pending = UnsafeRawBufferPointer(rebasing: pending[got...])
        end += got
      }
      return
    }
    let got: Int
    do {
      got = try fileDescriptor.read(into: room, retryOnInterrupt: true)
    } catch let errno as Errno {
      throw .readFailed(offset: consumedBeforeStart + UInt64(end), errno: errno)
    } catch {
      throw .readFailed(offset: consumedBeforeStart + UInt64(end), errno: .ioError)
    }
    if got == 0 { atEnd = true } else { end += got }
  }
}
