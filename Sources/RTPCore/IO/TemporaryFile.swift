import SystemPackage

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// Scratch files for input that must be read twice or sought in but arrived on a pipe.
public enum TemporaryFile {
  /// The directory scratch files go in: `$TMPDIR` when set, else `/tmp`.
  public static var directory: String {
    if let value = getenv("TMPDIR"), value.pointee != 0 { return String(cString: value) }
    return "/tmp"
  }

  /// Creates a file in ``directory`` that is unlinked at once, so that it vanishes when its
  /// descriptor is closed, however the process ends. The caller closes the descriptor.
  public static func makeUnlinked(prefix: String) throws(IOError) -> FileDescriptor {
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
