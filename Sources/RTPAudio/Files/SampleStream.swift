import RTPIO

/// The samples of a WAV data chunk or a raw stream, read in whole frames from an
/// ``InputSource``.
final class SampleStream {
  let source: InputSource
  let stored: StoredSampleFormat
  let channels: Int
  let frameBytes: Int
  /// Bytes left before the data's end, or `nil` to read to the end of the input.
  private var remaining: UInt64?
  /// The absolute byte at which the header says the data ends.
  private let declaredEnd: UInt64
  /// Why reaching ``remaining`` = 0 is an error, if it is.
  private let overrun: String?
  /// Whole frames handed out so far.
  private(set) var frames: UInt64 = 0

  init(
    source: InputSource, stored: StoredSampleFormat, channels: Int, length: UInt64?,
    declaredEnd: UInt64, overrun: String?
  ) {
    self.source = source
    self.stored = stored
    self.channels = channels
    self.frameBytes = channels * stored.bytesPerSample
    self.remaining = length
    self.declaredEnd = declaredEnd
    self.overrun = overrun
  }

  /// A window of up to `maximum` whole frames, empty at the end of the samples; throws where the
  /// samples end in damage. Pass what was used to ``advance(frames:)``.
  func next(maximum: Int) throws(AudioError) -> UnsafeRawBufferPointer {
    var window = try read { () throws(IOError) in try source.peekAvailable() }
    if let remaining, UInt64(window.count) > remaining {
      window = UnsafeRawBufferPointer(rebasing: window[0..<Int(remaining)])
    }
    if window.count < frameBytes {
      let frameBytes = frameBytes
      window = try read { () throws(IOError) in try source.peek(frameBytes) }
      if let remaining, UInt64(window.count) > remaining {
        window = UnsafeRawBufferPointer(rebasing: window[0..<Int(remaining)])
      }
      if window.count < frameBytes {
        try end(partial: window.count)
        return UnsafeRawBufferPointer(start: nil, count: 0)
      }
    }
    let count = min(maximum, window.count / frameBytes)
    return UnsafeRawBufferPointer(rebasing: window[0..<(count * frameBytes)])
  }

  /// A read of the source, its failure as the audio error it is.
  private func read(_ body: () throws(IOError) -> UnsafeRawBufferPointer) throws(AudioError)
    -> UnsafeRawBufferPointer
  {
    do throws(IOError) {
      return try body()
    } catch {
      throw .io(error)
    }
  }

  /// Marks `count` frames of the last window as read.
  func advance(frames count: Int) {
    let bytes = count * frameBytes
    source.consume(bytes)
    if let remaining { self.remaining = remaining - UInt64(bytes) }
    frames += UInt64(count)
  }

  /// Returns at a clean end; throws at a damaged one, where `partial` bytes of a frame remain.
  private func end(partial: Int) throws(AudioError) {
    let offset = source.offset
    if let remaining {
      if remaining == 0 {
        if let overrun { throw .malformedData(offset: offset, frame: frames, reason: overrun) }
        return
      }
      if UInt64(partial) < remaining {
        throw .truncatedData(
          offset: offset + UInt64(partial), frame: frames, declaredEnd: declaredEnd)
      }
    }
    if partial > 0 {
      throw .partialFrame(offset: offset, frame: frames, bytes: partial, bytesPerFrame: frameBytes)
    }
  }
}
