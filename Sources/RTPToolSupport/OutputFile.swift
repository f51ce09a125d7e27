import SystemPackage

/// An output named on the command line with `-o`: a path, or standard output for `-` or none.
public struct OutputFile {
  public let descriptor: FileDescriptor
  /// How messages name it: the path, or `stdout`.
  public let displayName: String
  private let ownsDescriptor: Bool

  /// Creates or truncates `path`. With `binary`, refuses to write to a terminal (exit 64), since
  /// a capture on a terminal is noise.
  public init(path: String?, binary: Bool) throws(ToolFailure) {
    guard let path, path != "-" else {
      if binary && Terminal.isTerminal(.standardOutput) {
        throw ToolFailure(
          .usage, "refusing to write binary data to a terminal; redirect stdout or use -o FILE")
      }
      descriptor = .standardOutput
      displayName = "stdout"
      ownsDescriptor = false
      return
    }
    do {
      descriptor = try FileDescriptor.open(
        FilePath(path), .writeOnly, options: [.create, .truncate, .closeOnExec],
        permissions: [.ownerReadWrite, .groupRead, .otherRead])
    } catch {
      throw ToolFailure(
        .ioError, "\(Terminal.escaped(path)): \(error.description.lowercasedFirst)")
    }
    displayName = Terminal.escaped(path)
    ownsDescriptor = true
  }

  /// Closes the file if this opened it; a failure is an I/O error (data may not have reached it).
  public func close() throws(ToolFailure) {
    guard ownsDescriptor else { return }
    do {
      try descriptor.close()
    } catch {
      throw ToolFailure(.ioError, "\(displayName): \(error.description.lowercasedFirst)")
    }
  }
}
