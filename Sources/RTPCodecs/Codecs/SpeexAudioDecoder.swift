import CSpeex

/// Speex (RFC 5574) through libspeex: one or more frames of 20 ms per payload, bit-packed one
/// after the other, the last padded to an octet with a terminator; narrowband, wideband or
/// ultra-wideband by the clock rate (8000, 16000, 32000 Hz), with libspeex's perceptual
/// enhancement on as GStreamer's speexdec has it. Losses are concealed by libspeex.
public final class SpeexAudioDecoder: AudioDecoder {
  public let format: PayloadFormat
  public var sampleRate: Int { format.clockRate }
  public var channels: Int { 1 }
  public var concealsLoss: Bool { true }
  /// Samples in one Speex frame: 160, 320 or 640.
  public let frameSize: Int
  /// The most frames one payload is decoded to, however short its frames claim to be.
  public static let maximumFramesPerPacket = 64

  private let state: UnsafeMutableRawPointer
  private let bits: UnsafeMutablePointer<SpeexBits>
  private let frame: UnsafeMutableBufferPointer<Int16>

  /// A decoder of `format`.
  ///
  /// - Throws: ``CodecError/invalidParameters(_:_:)`` for a rate other than 8000, 16000 or 32000
  ///   or more than one channel; ``CodecError/library(call:message:)`` when libspeex fails.
  public init(format: PayloadFormat) throws(CodecError) {
    let mode = try SpeexBand.mode(for: format)
    guard let made = speex_decoder_init(mode) else {
      throw .library(call: "speex_decoder_init", message: "no decoder")
    }
    self.format = format
    state = made
    var size: Int32 = 0
    speex_decoder_ctl(state, SPEEX_GET_FRAME_SIZE, &size)
    frameSize = Int(size)
    var enhance: Int32 = 1
    speex_decoder_ctl(state, SPEEX_SET_ENH, &enhance)
    bits = .allocate(capacity: 1)
    speex_bits_init(bits)
    frame = .allocate(capacity: max(frameSize, 1))
  }

  deinit {
    speex_bits_destroy(bits)
    bits.deallocate()
    frame.deallocate()
    speex_decoder_destroy(state)
  }

  public func maximumFrames(payloadBytes: Int) -> Int {
    // The shortest Speex frame (narrowband silence) is 5 bits.
    min(payloadBytes * 8 / 5 + 1, Self.maximumFramesPerPacket) * frameSize
  }

  public func decode(
    _ payload: UnsafeRawBufferPointer, into output: UnsafeMutableBufferPointer<Int16>
  ) throws(CodecError) -> Int {
    guard let base = payload.baseAddress, !payload.isEmpty, let samples = output.baseAddress
    else {
      throw .corrupt("an empty Speex payload")
    }
    speex_bits_read_from(
      bits, UnsafeMutableRawPointer(mutating: base).assumingMemoryBound(to: CChar.self),
      Int32(payload.count))
    let limit = maximumFrames(payloadBytes: payload.count)
    var written = 0
    while written + frameSize <= limit, speex_bits_remaining(bits) >= 5 {
      let result = speex_decode_int(state, bits, samples + written)
      if result == -1 { break }
      guard result == 0 else {
        throw .corrupt("libspeex: a corrupt frame after \(written / frameSize) frames")
      }
      written += frameSize
    }
    guard written > 0 else { throw .corrupt("a Speex payload with no frame") }
    return written
  }

  public func conceal(
    frames: Int, next: UnsafeRawBufferPointer?, into output: UnsafeMutableBufferPointer<Int16>
  ) -> Int {
    guard let samples = output.baseAddress, let scratch = frame.baseAddress else { return 0 }
    var written = 0
    while written < frames {
      speex_decode_int(state, nil, scratch)
      let step = min(frameSize, frames - written)
      (samples + written).update(from: scratch, count: step)
      written += step
    }
    return frames
  }

  public func reset() {
    var unused: Int32 = 0
    speex_decoder_ctl(state, SPEEX_RESET_STATE, &unused)
  }
}
