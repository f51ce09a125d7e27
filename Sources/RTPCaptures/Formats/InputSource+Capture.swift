import RTPIO

extension InputSource {
  /// ``peek(_:)`` with read failures wrapped as ``CaptureError/io(_:)``, and damage in a
  /// compressed input as ``CaptureError/damagedCompression(compression:offset:reason:)``.
  @inline(__always)
  func capturePeek(_ count: Int) throws(CaptureError) -> UnsafeRawBufferPointer {
    do {
      return try peek(count)
    } catch {
      throw Self.captureError(error)
    }
  }

  /// ``peekWindow(minimum:)`` with failures wrapped as ``capturePeek(_:)`` wraps them.
  @inline(__always)
  func capturePeekWindow(minimum: Int) throws(CaptureError) -> UnsafeRawBufferPointer {
    do {
      return try peekWindow(minimum: minimum)
    } catch {
      throw Self.captureError(error)
    }
  }

  /// ``skip(_:)`` with failures wrapped as ``capturePeek(_:)`` wraps them.
  func captureSkip(_ count: UInt64) throws(CaptureError) -> UInt64 {
    do {
      return try skip(count)
    } catch {
      throw Self.captureError(error)
    }
  }

  /// Undoes the compression `prefix` (the input's first bytes) shows, if any; returns it.
  func captureDecompress(_ prefix: UnsafeRawBufferPointer) throws(CaptureError) -> Compression? {
    guard let compression = Compression(sniffing: prefix) else { return nil }
    do {
      try startDecompressing(compression)
    } catch {
      throw Self.captureError(error)
    }
    return compression
  }

  private static func captureError(_ error: IOError) -> CaptureError {
    if case .corrupt(let compression, let offset, let reason) = error {
      return .damagedCompression(compression: compression, offset: offset, reason: reason)
    }
    return .io(error)
  }
}
