import SystemPackage

/// An input named on the command line: a path, or standard input for `-` or no path.
public struct InputFile {
  public let descriptor: FileDescriptor
  /// How messages name it: the path, or `stdin`.
  public let displayName: String
  private let ownsDescriptor: Bool

  /// Opens `path`; a failure is exit status 66 with the system's reason.
  public init(path: String?) throws(ToolFailure) {
    guard let path, path != "-" else {
      descriptor = .standardInput
      displayName = "stdin"
      ownsDescriptor = false
      return
    }
    do {
      descriptor = try FileDescriptor.open(FilePath(path), .readOnly, options: [.closeOnExec])
    } catch {
      throw ToolFailure(
        .noInput, "\(Terminal.escaped(path)): \(error.description.lowercasedFirst)")
    }
    displayName = Terminal.escaped(path)
    ownsDescriptor = true
  }

  /// Whether this is standard input.
  public var isStandardInput: Bool { !ownsDescriptor }

  /// Closes the file if this opened it.
  public func close() {
    if ownsDescriptor { try? descriptor.close() }
  }
}

extension String {
  var lowercasedFirst: String {
    guard let first else { return self }
    return first.lowercased() + dropFirst()
  }
}

extension Error {
  var description: String { String(describing: self) }
}
