import RTPCore
import SystemPackage

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// A copy of a non-seekable input (a pipe) in an unlinked temporary file, for a tool that must
/// read its input twice: memory stays flat, and the file disappears when the process ends.
public struct SpoolFile {
  /// The temporary file, positioned at its start.
  public let descriptor: FileDescriptor
  /// Bytes copied.
  public let byteCount: UInt64

  /// Copies everything `input` holds into a new file in `$TMPDIR` (or `/tmp`), which is unlinked
  /// at once. Failures are I/O errors (exit 74), naming `inputName` or the directory.
  public init(copying input: FileDescriptor, inputName: String) throws(ToolFailure) {
    let directory = TemporaryFile.directory
    let file: FileDescriptor
    do {
      file = try TemporaryFile.makeUnlinked(prefix: "rtpsynth-spool")
    } catch {
      throw ToolFailure(.ioError, "cannot spool \(inputName) in \(directory): \(error)")
    }
    let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 16)
    defer { buffer.deallocate() }
    var total: UInt64 = 0
    while true {
      let got: Int
      do {
        got = try input.read(into: buffer, retryOnInterrupt: true)
      } catch {
        try? file.close()
        throw ToolFailure(
          .ioError, "\(inputName): read failed at byte \(total): \("\(error)".lowercasedFirst)")
      }
      if got == 0 { break }
      do {
        _ = try file.writeAll(UnsafeRawBufferPointer(rebasing: buffer[0..<got]))
      } catch {
        try? file.close()
        throw ToolFailure(
          .ioError, "cannot spool \(inputName) in \(directory): \("\(error)".lowercasedFirst)")
      }
      total += UInt64(got)
    }
    do {
      _ = try file.seek(offset: 0, from: .start)
    } catch {
      try? file.close()
      throw ToolFailure(
        .ioError, "cannot spool \(inputName) in \(directory): \("\(error)".lowercasedFirst)")
    }
    descriptor = file
    byteCount = total
  }

  /// Closes (and so removes) the file.
  public func close() {
    try? descriptor.close()
  }
}
