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

  /// `text` made safe to print: control characters (C0, DEL and C1, which move the cursor, set
  /// window titles, ring the bell or forge a line), line and paragraph separators and the
  /// bidirectional overrides that reorder what is shown, as `\xNN` or `\u{NNNN}`; a backslash
  /// as `\\` so that an escape in the text cannot pass for one of these. For what a peer or an
  /// input controls: SDES items, BYE reasons, file names.
  public static func escaped(_ text: some StringProtocol) -> String {
    var result = ""
    result.reserveCapacity(text.utf8.count)
    for scalar in text.unicodeScalars {
      let value = scalar.value
      switch value {
      case 0x5C:
        result += "\\\\"
      case 0x00..<0x20, 0x7F..<0xA0:
        let digits = String(value, radix: 16, uppercase: true)
        result += "\\x" + (digits.count == 1 ? "0" : "") + digits
      case 0x2028, 0x2029, 0x200E, 0x200F, 0x202A...0x202E, 0x2066...0x2069:
        result += "\\u{" + String(value, radix: 16, uppercase: true) + "}"
      default:
        result.unicodeScalars.append(scalar)
      }
    }
    return result
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

  /// Whether `descriptor` is a pipe (a FIFO).
  public static func isPipe(_ descriptor: FileDescriptor) -> Bool {
    var info = stat()
    guard fstat(descriptor.rawValue, &info) == 0 else { return false }
    return info.st_mode & S_IFMT == S_IFIFO
  }

  /// Whether `descriptor` is a regular file, which can be read again after seeking back.
  public static func isRegularFile(_ descriptor: FileDescriptor) -> Bool {
    var info = stat()
    guard fstat(descriptor.rawValue, &info) == 0 else { return false }
    return info.st_mode & S_IFMT == S_IFREG
  }

  /// Raises the soft limit on open descriptors to at least `count`, as far as the hard limit
  /// allows, for a tool that opens one socket per port. Leaves a higher limit alone.
  public static func raiseDescriptorLimit(toAtLeast count: Int) {
    var limit = rlimit()
    guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0,
      limit.rlim_cur < rlim_t(count)
    else { return }
    limit.rlim_cur = min(rlim_t(count), limit.rlim_max)
    _ = setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
  }

  /// Makes writes to a closed pipe fail with `EPIPE` instead of killing the process, so that a
  /// tool can stop quietly and say nothing when its reader goes away.
  public static func ignoreBrokenPipeSignal() {
    signal(SIGPIPE, SIG_IGN)
  }
}
