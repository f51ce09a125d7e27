import SystemPackage

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// Scratch files for input that must be read twice or sought in but arrived on a pipe.
package enum TemporaryFile {
  /// The directory scratch files go in: `$TMPDIR` when set, else `/tmp`.
  package static var directory: String {
    if let value = getenv("TMPDIR"), value.pointee != 0 { return String(cString: value) }
    return "/tmp"
  }

  /// The most bytes a tool copies from a pipe into a scratch file (a spool): 8 GiB, or the
  /// value of the environment variable `RTPSYNTH_SPOOL_LIMIT` (a number of bytes). Input longer
  /// than this on a pipe is refused (bad data, exit 65) rather than filling the disk; a file
  /// given by name is never copied.
  package static var spoolLimit: UInt64 {
    if let value = getenv("RTPSYNTH_SPOOL_LIMIT"), let limit = UInt64(String(cString: value)) {
      return limit
    }
    return defaultSpoolLimit
  }

  /// The spool limit without `RTPSYNTH_SPOOL_LIMIT`: 8 GiB.
  package static let defaultSpoolLimit: UInt64 = 8 << 30

  /// Why input was refused for passing the spool limit `limit`, for the one-line error.
  package static func spoolLimitReason(_ limit: UInt64) -> String {
    "more than \(limit) bytes on a pipe, the limit of what is copied to a temporary file"
      + " (RTPSYNTH_SPOOL_LIMIT); give the input as a file"
  }

  /// Creates a file in ``directory`` that is unlinked at once, so that it vanishes when its
  /// descriptor is closed, however the process ends. The caller closes the descriptor.
  package static func makeUnlinked(prefix: String) throws(IOError) -> FileDescriptor {
    let folder = directory
    // mkstemp(3) replaces the template's six trailing X characters with a unique name.
    let template = folder + "/" + prefix + "." + String(repeating: "X", count: 6)
    var path = Array(template.utf8CString)
    let descriptor = path.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
    guard descriptor >= 0 else {
      throw .openFailed(path: folder, errno: Errno(rawValue: errno))
    }
    path.withUnsafeBufferPointer { _ = unlink($0.baseAddress!) }
    return FileDescriptor(rawValue: descriptor)
  }
}
