import RTPPackets

extension JitterBuffer {
  /// Feeds one datagram and returns what it made ready or dropped, copied: the simple form of
  /// ``feed(_:arrival:_:)``, which allocates for the copies.
  public func feed(_ bytes: [UInt8], arrival: Int64 = 0) throws(RTPParseError) -> JitterBufferResult
  {
    var result = JitterBufferResult()
    var failure: RTPParseError?
    bytes.withUnsafeBytes { raw in
      do throws(RTPParseError) {
        try feed(raw, arrival: arrival) { result.append($0) }
      } catch {
        failure = error
      }
    }
    if let failure { throw failure }
    return result
  }

  /// Releases everything held and returns it, copied.
  public func flush() -> JitterBufferResult {
    var result = JitterBufferResult()
    flush { result.append($0) }
    return result
  }
}
