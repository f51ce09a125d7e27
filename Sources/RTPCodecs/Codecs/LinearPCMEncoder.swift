/// L16 and L24 (RFC 3551 §4.5.11, RFC 3190): samples in network byte order, interleaved, at the
/// clock rate, for any rate and channel count. L24 carries the 16-bit input in its top two
/// bytes.
public final class LinearPCMEncoder: AudioEncoder {
  public let format: PayloadFormat
  /// Bytes per sample on the wire: 2 for L16, 3 for L24.
  public let bytesPerSample: Int
  public var sampleRate: Int { format.clockRate }
  public var channels: Int { format.channels }
  public var frameSize: Int { 1 }

  /// An encoder of `format`, whose samples are `bytesPerSample` (2 or 3) bytes each.
  public init(format: PayloadFormat, bytesPerSample: Int) {
    self.format = format
    self.bytesPerSample = bytesPerSample
  }

  public func problem(packetFrames frames: Int) -> String? {
    frames >= 1 ? nil : "a packet needs at least one sample"
  }

  public func maximumPayloadBytes(frames: Int) -> Int { frames * channels * bytesPerSample }

  public func encode(
    _ samples: UnsafeBufferPointer<Int16>, into payload: UnsafeMutableRawBufferPointer
  ) throws(CodecError) -> Int {
    let width = bytesPerSample
    for (index, sample) in samples.enumerated() {
      let bits = UInt16(bitPattern: sample)
      payload[width * index] = UInt8(truncatingIfNeeded: bits >> 8)
      payload[width * index + 1] = UInt8(truncatingIfNeeded: bits)
      if width == 3 { payload[width * index + 2] = 0 }
    }
    return samples.count * width
  }

  public func reset() {}
}
