/// A reader for one capture format, positioned after the file header, that ``CaptureReader``
/// delegates to.
protocol CaptureFormatReader: AnyObject {
  /// The next packet record, `nil` at a clean end of input. The record's bytes stay valid until
  /// the next call.
  func next() throws(CaptureError) -> CaptureRecord?
}
