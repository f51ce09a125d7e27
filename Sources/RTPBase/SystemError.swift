import SystemPackage

/// A system call that failed: its name and the `errno` it set or returned.
///
/// Every layer reports a failed call with this one type, and the layers above carry it up
/// unchanged (wrapped in their own error, never rebuilt from a number or a message), so that a
/// tool can print the real cause and choose its exit status from the error's case, not from its
/// text.
public struct SystemError: Error, CustomStringConvertible, Sendable, Hashable {
  /// The call that failed, as its manual page names it (`socket`, `bind`, `pthread_create`…).
  public var call: String
  /// Why it failed.
  public var errno: Errno

  /// The failure of `call` with `errno`.
  public init(_ call: String, errno: Errno) {
    self.call = call
    self.errno = errno
  }

  /// The failure of `call` with the error number `code` (positive, as `errno` holds it, or
  /// negative, as the C shims and `pthread_*` calls return it).
  package init(_ call: String, code: Int32) {
    self.init(call, errno: Errno(rawValue: code < 0 ? -code : code))
  }

  /// `call: reason`, with the C library's text for the reason (`strerror`).
  public var description: String { "\(call): \(errno)" }
}
