#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// Whole reads and writes of a file region, through interrupted calls and short counts: what
/// libsndfile's virtual I/O callbacks do for ``VirtualFile`` and ``WritableVirtualFile``.
enum FileRegionTransfer {
  /// Calls `step` with the bytes moved so far (a `pread` or `pwrite` of the rest, returning
  /// what it moved) until `count` bytes are moved, the end of the file or an error; returns the
  /// bytes moved and the error number of a failed call (0 if none).
  static func transfer(count: Int64, _ step: (_ done: Int64) -> Int) -> (
    done: Int64, failure: Int32
  ) {
    var done: Int64 = 0
    while done < count {
      let moved = step(done)
      if moved < 0 && errno == EINTR { continue }
      if moved <= 0 { return (done, moved < 0 ? errno : 0) }
      done += Int64(moved)
    }
    return (done, 0)
  }
}
