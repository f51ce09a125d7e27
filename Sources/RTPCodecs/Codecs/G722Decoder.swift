import CSpanDSP

/// G.722 (RFC 3551 §4.5.2) through spandsp: 16 kHz wideband audio at 64 kbit/s, one octet per
/// pair of samples, on the 8000 Hz RTP clock RFC 3551 fixes for it (an error in RFC 1890 kept
/// for compatibility), so that two samples are decoded per timestamp unit. Any payload length
/// decodes. spandsp has no G.722 concealment; losses are concealed on the decoded waveform as
/// for G.711 (Appendix I), and the decoder's ADPCM state carries on from the last packet.
public final class G722Decoder: AudioDecoder {
  public let format: PayloadFormat
  public var sampleRate: Int { 16000 }
  public var channels: Int { 1 }
  public var concealsLoss: Bool { true }
  private let state: OpaquePointer
  private var concealment = WaveformConcealment(sampleRate: 16000, channels: 1)

  /// The bit rate of the RTP payload format: the 64 kbit/s mode (the 56 and 48 kbit/s modes
  /// are the same octets with bits the receiver may ignore).
  static let bitRate: Int32 = 64000

  /// A decoder of `format` (`G722/8000`, mono).
  ///
  /// - Throws: ``CodecError/invalidParameters(_:_:)`` for a clock other than 8000 or more than
  ///   one channel; ``CodecError/library(call:message:)`` when spandsp cannot make a decoder.
  public init(format: PayloadFormat) throws(CodecError) {
    guard format.clockRate == 8000 else {
      throw .invalidParameters(
        format, "G.722's RTP clock is 8000 for its 16 kHz audio (RFC 3551 §4.5.2)")
    }
    guard format.channels == 1 else {
      throw .invalidParameters(format, "G.722 is decoded in mono only")
    }
    guard let made = g722_decode_init(nil, Self.bitRate, 0) else {
      throw .library(call: "g722_decode_init", message: "no decoder state")
    }
    self.format = format
    state = made
  }

  deinit { _ = g722_decode_free(state) }

  public func maximumFrames(payloadBytes: Int) -> Int { payloadBytes * 2 }

  public func decode(
    _ payload: UnsafeRawBufferPointer, into output: UnsafeMutableBufferPointer<Int16>
  ) throws(CodecError) -> Int {
    guard let base = payload.baseAddress, !payload.isEmpty, let samples = output.baseAddress
    else {
      throw .corrupt("an empty G.722 payload")
    }
    let frames = g722_decode(
      state, samples, base.assumingMemoryBound(to: UInt8.self), Int32(payload.count))
    let decoded = Int(max(frames, 0))
    concealment.received(output, frames: decoded)
    return decoded
  }

  public func conceal(
    frames: Int, next: UnsafeRawBufferPointer?, into output: UnsafeMutableBufferPointer<Int16>
  ) -> Int {
    concealment.conceal(frames: frames, into: output)
    return frames
  }

  public func reset() {
    _ = g722_decode_init(state, Self.bitRate, 0)
    concealment.reset()
  }
}
