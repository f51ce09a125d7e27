import SystemPackage

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// Writing to the standard streams from a tool.
public enum Terminal {
  /// Writes `line` and a newline to standard error, ignoring failures (there is nowhere left to
  /// report them).
  public static func printError(_ line: String) {
    var text = line
    text.append("\n")
    text.withUTF8 { bytes in
      _ = try? FileDescriptor.standardError.writeAll(UnsafeRawBufferPointer(bytes))
    }
  }

  /// Whether `descriptor` is a terminal.
  public static func isTerminal(_ descriptor: FileDescriptor) -> Bool {
    isatty(descriptor.rawValue) == 1
  }

  /// Whether `descriptor` is a pipe, socket or regular file: something a filter reads data from,
  /// as opposed to a terminal or a device such as `/dev/null`.
  public static func carriesData(_ descriptor: FileDescriptor) -> Bool {
    var info = stat()
    guard fstat(descriptor.rawValue, &info) == 0 else { return false }
    let kind = info.st_mode & S_IFMT
    return kind == S_IFIFO || kind == S_IFREG || kind == S_IFSOCK
  }

  /// Whether `descriptor` is a regular file, which can be read again after seeking back.
  public static func isRegularFile(_ descriptor: FileDescriptor) -> Bool {
    var info = stat()
    guard fstat(descriptor.rawValue, &info) == 0 else { return false }
    return info.st_mode & S_IFMT == S_IFREG
  }

  /// Makes writes to a closed pipe fail with `EPIPE` instead of killing the process, so that a
  /// tool can stop quietly and say nothing when its reader goes away.
  public static func ignoreBrokenPipeSignal() {
    signal(SIGPIPE, SIG_IGN)
  }
}
