import CSndfile
import SystemPackage

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// A region of a regular file seen by libsndfile through its virtual I/O callbacks, for reading
/// or, made with ``init(writingTo:base:)``, for writing.
///
/// libsndfile reads and writes with `pread(2)` and `pwrite(2)` at its own position, so the
/// descriptor is never handed to it (`sf_open_fd` closes a descriptor it fails on) and its file
/// offset is left alone.
final class VirtualFile {
  let descriptor: CInt
  /// Where the audio file starts in the descriptor's file.
  let base: Int64
  var position: Int64 = 0
  /// The first error a write met (0 if none), for the writer's message.
  var failure: Int32 = 0
  /// The region's length when it was opened for reading; `nil` for writing, where it grows.
  private let readLength: Int64?
  private let ownsDescriptor: Bool

  /// Sees `descriptor`'s file from byte `base` on, for reading; closes the descriptor at the
  /// end if `owned`.
  init(descriptor: CInt, base: Int64, owned: Bool) throws(AudioError) {
    var status = stat()
    guard fstat(descriptor, &status) == 0 else {
      let error = Errno(rawValue: errno)
      if owned { close(descriptor) }
      throw .io(.readFailed(offset: UInt64(base), errno: error))
    }
    self.descriptor = descriptor
    self.base = base
    self.readLength = max(0, Int64(status.st_size) - base)
    self.ownsDescriptor = owned
  }

  /// Sees `descriptor`'s file from byte `base` on, for writing; the caller keeps the descriptor.
  init(writingTo descriptor: CInt, base: Int64) {
    self.descriptor = descriptor
    self.base = base
    self.readLength = nil
    self.ownsDescriptor = false
  }

  deinit {
    if ownsDescriptor { close(descriptor) }
  }

  /// Bytes from ``base`` to the end of the file.
  var length: Int64 {
    if let readLength { return readLength }
    var status = stat()
    guard fstat(descriptor, &status) == 0 else { return 0 }
    return max(0, Int64(status.st_size) - base)
  }

  /// The callbacks libsndfile calls with an unretained pointer to a ``VirtualFile``.
  static let callbacks = SF_VIRTUAL_IO(
    get_filelen: { user in
      VirtualFile.from(user).length
    },
    seek: { offset, whence, user in
      let file = VirtualFile.from(user)
      switch whence {
      case SEEK_SET: file.position = offset
      case SEEK_CUR: file.position += offset
      case SEEK_END: file.position = file.length + offset
      default: return -1
      }
      file.position = max(0, file.position)
      return file.position
    },
    read: { pointer, count, user in
      let file = VirtualFile.from(user)
      guard let pointer, count > 0 else { return 0 }
      let start = file.base + file.position
      let (done, _) = VirtualFile.transfer(count: count) { done in
        pread(file.descriptor, pointer + Int(done), Int(count - done), off_t(start + done))
      }
      file.position += done
      return done
    },
    write: { pointer, count, user in
      let file = VirtualFile.from(user)
      guard file.readLength == nil, let pointer, count > 0 else { return 0 }
      let start = file.base + file.position
      let (done, failure) = VirtualFile.transfer(count: count) { done in
        pwrite(file.descriptor, pointer + Int(done), Int(count - done), off_t(start + done))
      }
      if done < count && file.failure == 0 { file.failure = failure != 0 ? failure : ENOSPC }
      file.position += done
      return done
    },
    tell: { user in
      VirtualFile.from(user).position
    }
  )

  /// Calls `step` with the bytes moved so far (a `pread` or `pwrite` of the rest, returning
  /// what it moved) until `count` bytes are moved, the end of the file or an error; returns the
  /// bytes moved and the error number of a failed call (0 if none).
  private static func transfer(count: Int64, _ step: (_ done: Int64) -> Int) -> (
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

  private static func from(_ user: UnsafeMutableRawPointer?) -> VirtualFile {
    Unmanaged<VirtualFile>.fromOpaque(user!).takeUnretainedValue()
  }
}
