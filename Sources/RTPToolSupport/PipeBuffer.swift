import SystemPackage

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// The kernel buffer of a pipe a tool reads or writes.
public enum PipeBuffer {
  /// `F_SETPIPE_SZ` (`F_LINUX_SPECIFIC_BASE + 7`), which Glibc shows only to `_GNU_SOURCE`.
  private static let setPipeSize: CInt = 1031

  /// Asks the kernel to give the pipe behind `descriptor`, if it is one, a buffer of `bytes`
  /// (Linux's `F_SETPIPE_SZ`, capped by `/proc/sys/fs/pipe-max-size`). With the default
  /// 64 KiB, a filter moving hundreds of megabytes spends its time switching between the
  /// processes on either side; a larger buffer lets each run longer. Failure changes nothing.
  public static func enlarge(_ descriptor: FileDescriptor, to bytes: Int = 1 << 20) {
    #if os(Linux)
      var info = stat()
      guard fstat(descriptor.rawValue, &info) == 0, info.st_mode & S_IFMT == S_IFIFO else {
        return
      }
      var size = bytes
      while size >= 1 << 16 {
        if fcntl(descriptor.rawValue, setPipeSize, CInt(size)) >= 0 { return }
        size /= 2
      }
    #endif
  }
}
