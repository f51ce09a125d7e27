import CSndfile
import SystemPackage

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// A region of a regular file seen by libsndfile through its virtual I/O callbacks.
///
/// libsndfile reads with `pread(2)` at its own position, so the descriptor is never handed to
/// it (`sf_open_fd` closes a descriptor it fails on) and its file offset is left alone.
final class VirtualFile {
  let descriptor: CInt
  /// Where the audio file starts in the descriptor's file.
  let base: Int64
  /// Bytes from ``base`` to the end of the file.
  let length: Int64
  var position: Int64 = 0
  private let ownsDescriptor: Bool

  /// Sees `descriptor`'s file from byte `base` on; closes the descriptor at the end if `owned`.
  init(descriptor: CInt, base: Int64, owned: Bool) throws(AudioError) {
    var status = stat()
    guard fstat(descriptor, &status) == 0 else {
      let error = Errno(rawValue: errno)
      if owned { close(descriptor) }
      throw .io(.readFailed(offset: UInt64(base), errno: error))
    }
    self.descriptor = descriptor
    self.base = base
    self.length = max(0, Int64(status.st_size) - base)
    self.ownsDescriptor = owned
  }

  deinit {
    if ownsDescriptor { close(descriptor) }
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
      let (done, _) = FileRegionTransfer.transfer(count: count) { done in
        pread(file.descriptor, pointer + Int(done), Int(count - done), off_t(start + done))
      }
      file.position += done
      return done
    },
    write: { _, _, _ in 0 },
    tell: { user in
      VirtualFile.from(user).position
    }
  )

  private static func from(_ user: UnsafeMutableRawPointer?) -> VirtualFile {
    Unmanaged<VirtualFile>.fromOpaque(user!).takeUnretainedValue()
  }
}
