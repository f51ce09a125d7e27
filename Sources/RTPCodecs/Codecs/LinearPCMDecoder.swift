/// L16 and L24 (RFC 3551 §4.5.11, RFC 3190): uncompressed samples in network byte order,
/// interleaved, at the clock rate, for any rate and channel count. L24 is decoded to its top
/// 16 bits, rounded. Losses concealed as for G.711 (Appendix I's pitch repetition).
public final class LinearPCMDecoder: AudioDecoder {
  public let format: PayloadFormat
  /// Bytes per sample on the wire: 2 for L16, 3 for L24.
  public let bytesPerSample: Int
  public var sampleRate: Int { format.clockRate }
  public var channels: Int { format.channels }
  public var concealsLoss: Bool { true }
  private var concealment: WaveformConcealment

  /// A decoder of `format`, whose samples are `bytesPerSample` (2 or 3) bytes each.
  public init(format: PayloadFormat, bytesPerSample: Int) {
    self.format = format
    self.bytesPerSample = bytesPerSample
    concealment = WaveformConcealment(sampleRate: format.clockRate, channels: format.channels)
  }

  public func maximumFrames(payloadBytes: Int) -> Int {
    payloadBytes / (bytesPerSample * max(channels, 1))
  }

  public func decode(
    _ payload: UnsafeRawBufferPointer, into output: UnsafeMutableBufferPointer<Int16>
  ) throws(CodecError) -> Int {
    let frames = maximumFrames(payloadBytes: payload.count)
    let samples = frames * channels
    if bytesPerSample == 2 {
      for index in 0..<samples {
        let high = UInt16(payload[2 * index])
        let low = UInt16(payload[2 * index + 1])
        output[index] = Int16(bitPattern: high << 8 | low)
      }
    } else {
      for index in 0..<samples {
        let base = 3 * index
        let value =
          Int32(Int8(bitPattern: payload[base])) << 16 | Int32(payload[base + 1]) << 8
          | Int32(payload[base + 2])
        output[index] = Int16(clamping: (value + 128) >> 8)
      }
    }
    concealment.received(output, frames: frames)
    return frames
  }

  public func conceal(
    frames: Int, next: UnsafeRawBufferPointer?, into output: UnsafeMutableBufferPointer<Int16>
  ) -> Int {
    concealment.conceal(frames: frames, into: output)
    return frames
  }

  public func reset() { concealment.reset() }
}
