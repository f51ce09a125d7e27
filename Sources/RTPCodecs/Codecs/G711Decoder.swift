import RTPAudio

/// PCMU and PCMA (RFC 3551 §4.5.14): one 8-bit G.711 code per sample, decoded with
/// ``/RTPAudio/G711``'s G.191 tables; losses concealed as G.711 Appendix I describes.
public final class G711Decoder: AudioDecoder {
  public let format: PayloadFormat
  /// µ-law for PCMU, A-law for PCMA.
  public let law: G711Law
  public var sampleRate: Int { format.clockRate }
  public var channels: Int { format.channels }
  public var concealsLoss: Bool { true }
  private var concealment: WaveformConcealment

  /// A decoder of `format` (PCMU or PCMA at any clock rate and channel count) in `law`.
  public init(format: PayloadFormat, law: G711Law) {
    self.format = format
    self.law = law
    concealment = WaveformConcealment(sampleRate: format.clockRate, channels: format.channels)
  }

  public func maximumFrames(payloadBytes: Int) -> Int { payloadBytes / max(channels, 1) }

  public func decode(
    _ payload: UnsafeRawBufferPointer, into output: UnsafeMutableBufferPointer<Int16>
  ) throws(CodecError) -> Int {
    let frames = payload.count / channels
    let samples = frames * channels
    let codes = UnsafeRawBufferPointer(rebasing: payload[0..<samples])
    G711.decode(law, codes, into: UnsafeMutableBufferPointer(rebasing: output[0..<samples]))
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
