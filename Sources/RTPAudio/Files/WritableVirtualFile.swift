import CSndfile

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// A regular file open for writing, seen by libsndfile through its virtual I/O callbacks, so
/// that libsndfile never holds (or, on a failed open, closes) the descriptor itself.
final class WritableVirtualFile {
  let descriptor: CInt
  /// Where the audio file starts in the descriptor's file (its offset when opened).
  let base: Int64
  var position: Int64 = 0
  /// The first error a write met, for the writer's message.
  var failure: Int32 = 0

  init(descriptor: CInt, base: Int64) {
    self.descriptor = descriptor
    self.base = base
  }

  /// The callbacks libsndfile calls with an unretained pointer to a ``WritableVirtualFile``.
  static let callbacks = SF_VIRTUAL_IO(
    get_filelen: { user in
      let file = WritableVirtualFile.from(user)
      var status = stat()
      guard fstat(file.descriptor, &status) == 0 else { return -1 }
      return max(0, Int64(status.st_size) - file.base)
    },
    seek: { offset, whence, user in
      let file = WritableVirtualFile.from(user)
      var status = stat()
      let length = fstat(file.descriptor, &status) == 0 ? Int64(status.st_size) - file.base : 0
      switch whence {
      case SEEK_SET: file.position = offset
      case SEEK_CUR: file.position += offset
      case SEEK_END: file.position = length + offset
      default: return -1
      }
      file.position = max(0, file.position)
      return file.position
    },
    read: { pointer, count, user in
      let file = WritableVirtualFile.from(user)
      guard let pointer, count > 0 else { return 0 }
      let start = file.base + file.position
      let (done, _) = FileRegionTransfer.transfer(count: count) { done in
        pread(file.descriptor, pointer + Int(done), Int(count - done), off_t(start + done))
      }
      file.position += done
      return done
    },
    write: { pointer, count, user in
      let file = WritableVirtualFile.from(user)
      guard let pointer, count > 0 else { return 0 }
      let start = file.base + file.position
      let (done, failure) = FileRegionTransfer.transfer(count: count) { done in
        pwrite(file.descriptor, pointer + Int(done), Int(count - done), off_t(start + done))
      }
      if done < count && file.failure == 0 { file.failure = failure != 0 ? failure : ENOSPC }
      file.position += done
      return done
    },
    tell: { user in
      WritableVirtualFile.from(user).position
    }
  )

  private static func from(_ user: UnsafeMutableRawPointer?) -> WritableVirtualFile {
    Unmanaged<WritableVirtualFile>.fromOpaque(user!).takeUnretainedValue()
  }
}
