import RTPCaptures
import RTPIO
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
///
/// The disk it takes is bounded twice: the first bytes are checked before anything is written
/// (input that is not a capture is refused at once, as reading it would be), and a copy longer
/// than ``TemporaryFile/spoolLimit`` bytes is refused (exit 65) rather than filling `$TMPDIR`.
public struct SpoolFile {
  /// The temporary file, positioned at its start.
  public let descriptor: FileDescriptor
  /// Bytes copied.
  public let byteCount: UInt64

  /// How many bytes are read before the first are checked, unless the input ends first.
  static let sniffLength = 4096

  /// Copies everything `input` holds into a new file in `$TMPDIR` (or `/tmp`), which is unlinked
  /// at once. `check` looks at the input's first bytes (all of them when `complete`) and returns
  /// why the input cannot be what the tool reads, refusing it (exit 65, `inputName: reason`)
  /// before anything is copied. Failures to read or write are I/O errors (exit 74), naming
  /// `inputName` or the directory.
  package init(
    copying input: FileDescriptor, inputName: String,
    check: (_ prefix: UnsafeRawBufferPointer, _ complete: Bool) -> String?,
    limit: UInt64 = TemporaryFile.spoolLimit
  ) throws(ToolFailure) {
    let directory = TemporaryFile.directory
    let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 16)
    defer { buffer.deallocate() }
    // The first bytes, before there is a file.
    var held = 0
    var ended = false
    while held < Self.sniffLength {
      let got = try Self.read(input, into: buffer, from: held, at: UInt64(held), name: inputName)
      if got == 0 {
        ended = true
        break
      }
      held += got
    }
    if let reason = check(UnsafeRawBufferPointer(rebasing: buffer[0..<held]), ended) {
      throw ToolFailure(.dataError, "\(inputName): \(reason)")
    }
    let file: FileDescriptor
    do {
      file = try TemporaryFile.makeUnlinked(prefix: "rtpsynth-spool")
    } catch {
      throw ToolFailure(.ioError, "cannot spool \(inputName) in \(directory): \(error)")
    }
    var total: UInt64 = 0
    while held > 0 {
      if total + UInt64(held) > limit {
        try? file.close()
        throw ToolFailure(.dataError, "\(inputName): \(TemporaryFile.spoolLimitReason(limit))")
      }
      do {
        _ = try file.writeAll(UnsafeRawBufferPointer(rebasing: buffer[0..<held]))
      } catch {
        try? file.close()
        throw ToolFailure(
          .ioError, "cannot spool \(inputName) in \(directory): \("\(error)".lowercasedFirst)")
      }
      total += UInt64(held)
      held = 0
      if ended { break }
      do {
        held = try Self.read(input, into: buffer, from: 0, at: total, name: inputName)
      } catch {
        try? file.close()
        throw error
      }
      if held == 0 { break }
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

  /// Copies `input` as ``init(copying:inputName:check:limit:)`` does, refusing input that does
  /// not start as a capture (or a compressed capture) with the error reading it would give.
  public init(copyingCapture input: FileDescriptor, inputName: String) throws(ToolFailure) {
    try self.init(copying: input, inputName: inputName) { prefix, complete in
      CaptureReader.sniffingError(prefix, complete: complete).map { "\($0)" }
    }
  }

  /// One `read(2)` into `buffer` from byte `offset`: the bytes read, 0 at the end. `position`
  /// is how far into the input it reads, for the message.
  private static func read(
    _ input: FileDescriptor, into buffer: UnsafeMutableRawBufferPointer, from offset: Int,
    at position: UInt64, name: String
  ) throws(ToolFailure) -> Int {
    do {
      return try input.read(
        into: UnsafeMutableRawBufferPointer(rebasing: buffer[offset...]), retryOnInterrupt: true)
    } catch {
      throw ToolFailure(
        .ioError, "\(name): read failed at byte \(position): \("\(error)".lowercasedFirst)")
    }
  }

  /// Closes (and so removes) the file.
  public func close() {
    try? descriptor.close()
  }
}
