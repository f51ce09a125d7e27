extension InputSource {
  /// ``peek(_:)`` with read failures wrapped as ``CaptureError/io(_:)``.
  @inline(__always)
  func capturePeek(_ count: Int) throws(CaptureError) -> UnsafeRawBufferPointer {
    do {
      return try peek(count)
    } catch {
      throw .io(error)
    }
  }

  /// ``skip(_:)`` with read failures wrapped as ``CaptureError/io(_:)``.
  func captureSkip(_ count: UInt64) throws(CaptureError) -> UInt64 {
    do {
      return try skip(count)
    } catch {
      throw .io(error)
    }
  }
}
