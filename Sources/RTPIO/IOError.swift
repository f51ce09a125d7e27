import SystemPackage

/// A failure to read or write a byte stream, with the operating system's reason.
public enum IOError: Error, CustomStringConvertible, Sendable, Equatable {
  /// The reader downstream closed the pipe (`EPIPE`); tools end quietly on this.
  case brokenPipe
  /// `read(2)` failed after `offset` bytes had been read.
  case readFailed(offset: UInt64, errno: Errno)
  /// `write(2)` failed after `offset` bytes had been written.
  case writeFailed(offset: UInt64, errno: Errno)
  /// A file could not be opened.
  case openFailed(path: String, errno: Errno)
  /// A compressed input is damaged or cut short: what was found at byte `offset` of the
  /// compressed bytes. Bad data (exit 65), not a failed read.
  case corrupt(compression: Compression, offset: UInt64, reason: String)

  public var description: String {
    switch self {
    case .brokenPipe:
      return "broken pipe"
    case .readFailed(let offset, let errno):
      return "read failed at byte \(offset): \(errno.message)"
    case .writeFailed(let offset, let errno):
      return "write failed at byte \(offset): \(errno.message)"
    case .openFailed(_, let errno):
      return errno.message
    case .corrupt(let compression, let offset, let reason):
      return "\(compression) data at compressed byte \(offset): \(reason)"
    }
  }
}

extension Errno {
  /// The C library's message for this error number, in lower case as tools print it.
  var message: String {
    let text = String(describing: self)
    guard let first = text.first else { return text }
    return first.lowercased() + text.dropFirst()
  }
}
