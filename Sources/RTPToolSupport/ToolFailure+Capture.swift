import RTPCaptures

extension ToolFailure {
  /// A capture that could not be read, as every tool reports it: `name: why`, with status 74
  /// (I/O error) when reading the input failed and 65 (bad data) when the input itself is at
  /// fault (empty, not a capture, damaged, cut short, its compression corrupt).
  public init(capture error: CaptureError, name: String) {
    if case .io = error {
      self.init(.ioError, "\(name): \(error)")
    } else {
      self.init(.dataError, "\(name): \(error)")
    }
  }
}
