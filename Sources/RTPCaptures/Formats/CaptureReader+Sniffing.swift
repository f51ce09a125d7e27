import RTPBase
import RTPIO

extension CaptureReader {
  /// The error reading a capture that starts with `prefix` would end in at once, or `nil` when
  /// it starts like a capture (or may yet: too few bytes to tell and `complete` false): for a
  /// tool that must copy a pipe to a file before reading it, so that input no capture starts as
  /// is refused before any of it is copied.
  ///
  /// `complete` says that `prefix` is the whole input. A gzip or xz prefix is decompressed to see
  /// the capture's own first bytes.
  public static func sniffingError(_ prefix: UnsafeRawBufferPointer, complete: Bool)
    -> CaptureError?
  {
    let source = InputSource(bytes: prefix)
    do throws(CaptureError) {
      var head = try source.capturePeek(4)
      if try source.captureDecompress(try source.capturePeek(Compression.magicLength)) != nil {
        do {
          head = try source.peek(4)
        } catch {
          // Damage in the prefix is damage; a stream that merely goes on past it is not.
          if case .corrupt(_, _, let reason) = error, reason.contains("truncated"), !complete {
            return nil
          }
          if case .corrupt(let compression, let offset, let reason) = error {
            throw .damagedCompression(compression: compression, offset: offset, reason: reason)
          }
          throw .io(error)
        }
      }
      if head.isEmpty { return complete ? .emptyInput : nil }
      if head.count < 4 && !complete { return nil }
      guard head.count >= 4 else { return .unrecognizedFormat(prefix: Array(head)) }
      switch head.loadBigEndian(as: UInt32.self, at: 0) {
      case 0xA1B2_C3D4, 0xD4C3_B2A1, 0xA1B2_3C4D, 0x4D3C_B2A1, 0x0A0D_0D0A, 0x2321_7274:
        return nil
      default:
        return .unrecognizedFormat(prefix: Array(head))
      }
    } catch {
      return error
    }
  }
}
