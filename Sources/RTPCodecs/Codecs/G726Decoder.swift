import CSpanDSP

/// G.726 ADPCM (RFC 3551 §4.5.4) through spandsp, at 16, 24, 32 or 40 kbit/s as the encoding
/// name says (`G726-32`), 8 kHz mono. RTP packs codewords from each octet's least significant
/// bit up; the `AAL2-G726-xx` names, packed from the most significant bit down, decode too.
/// A payload is a whole number of codewords (any length at 16 and 32 kbit/s, a multiple of 3
/// octets at 24 and 5 at 40), so that every packet starts on a codeword. Losses are concealed on
/// the decoded waveform as for G.711 (Appendix I); the ADPCM state carries on from the last
/// packet.
public final class G726Decoder: AudioDecoder {
  public let format: PayloadFormat
  public var sampleRate: Int { 8000 }
  public var channels: Int { 1 }
  public var concealsLoss: Bool { true }
  private let mode: G726Mode
  private let state: OpaquePointer
  private var concealment = WaveformConcealment(sampleRate: 8000, channels: 1)

  /// The bits per codeword: 2, 3, 4 or 5.
  public var bitsPerCode: Int { mode.bitsPerCode }

  /// A decoder of `format`: `G726-16/8000` to `G726-40/8000`, or the `AAL2-` names.
  ///
  /// - Throws: ``CodecError/unsupported(_:_:)`` for another name,
  ///   ``CodecError/invalidParameters(_:_:)`` for a clock other than 8000 or more than one
  ///   channel, ``CodecError/library(call:message:)`` when spandsp cannot make a decoder.
  public init(format: PayloadFormat) throws(CodecError) {
    guard let mode = G726Mode(format) else {
      throw .unsupported(format, "not a G.726 encoding name (G726-16, -24, -32, -40)")
    }
    guard format.clockRate == 8000, format.channels == 1 else {
      throw .invalidParameters(format, "G.726 is 8000 Hz mono (RFC 3551 §4.5.4)")
    }
    guard let made = mode.initialise(nil) else {
      throw .library(call: "g726_init", message: "no decoder state")
    }
    self.format = format
    self.mode = mode
    state = made
  }

  deinit { _ = g726_free(state) }

  public func maximumFrames(payloadBytes: Int) -> Int { payloadBytes * 8 / mode.bitsPerCode }

  public func decode(
    _ payload: UnsafeRawBufferPointer, into output: UnsafeMutableBufferPointer<Int16>
  ) throws(CodecError) -> Int {
    guard let base = payload.baseAddress, !payload.isEmpty, let samples = output.baseAddress
    else {
      throw .corrupt("an empty G.726 payload")
    }
    // Checked before spandsp sees it: a partial codeword would stay in spandsp's bit buffer
    // and shift every later packet.
    guard payload.count * 8 % mode.bitsPerCode == 0 else {
      let group = mode.codesPerOctetGroup * mode.bitsPerCode / 8
      throw .corrupt(
        "a G.726 payload at \(mode.bitRate / 1000) kbit/s is a multiple of \(group) octets, "
          + "not \(payload.count)")
    }
    let frames = g726_decode(
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
    _ = mode.initialise(state)
    concealment.reset()
  }
}
