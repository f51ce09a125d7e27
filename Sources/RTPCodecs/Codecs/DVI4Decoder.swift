/// DVI4 (RFC 3551 §4.5.1): IMA ADPCM, 4 bits per sample, each packet starting with the
/// encoder's state (a 16-bit predicted value in network order, a step-table index, a reserved
/// byte) so that a packet decodes on its own; the first sample is in the high nibble. Any clock
/// rate (PT 5 is 8000 Hz, 6 is 16000, 16 and 17 are 11025 and 22050). Losses concealed as for
/// G.711.
public final class DVI4Decoder: AudioDecoder {
  public let format: PayloadFormat
  public var sampleRate: Int { format.clockRate }
  public var channels: Int { 1 }
  public var concealsLoss: Bool { true }
  private var concealment: WaveformConcealment

  /// A decoder of `format` (mono DVI4 at its clock rate).
  public init(format: PayloadFormat) throws(CodecError) {
    guard format.channels == 1 else {
      throw .invalidParameters(format, "DVI4 is decoded in mono only")
    }
    self.format = format
    concealment = WaveformConcealment(sampleRate: format.clockRate, channels: 1)
  }

  public func maximumFrames(payloadBytes: Int) -> Int { max(payloadBytes - 4, 0) * 2 }

  public func decode(
    _ payload: UnsafeRawBufferPointer, into output: UnsafeMutableBufferPointer<Int16>
  ) throws(CodecError) -> Int {
    guard payload.count >= 4 else {
      throw .corrupt("a DVI4 payload of \(payload.count) bytes has no 4-byte state header")
    }
    var state = IMAADPCMState()
    state.predicted = Int32(Int16(bitPattern: UInt16(payload[0]) << 8 | UInt16(payload[1])))
    state.index = Int(payload[2])
    guard state.index < IMAADPCMState.steps.count else {
      throw .corrupt("DVI4 step index \(state.index) is past the table's 88")
    }
    var written = 0
    for position in 4..<payload.count {
      let byte = payload[position]
      output[written] = state.decode(byte >> 4)
      output[written + 1] = state.decode(byte & 0x0F)
      written += 2
    }
    concealment.received(output, frames: written)
    return written
  }

  public func conceal(
    frames: Int, next: UnsafeRawBufferPointer?, into output: UnsafeMutableBufferPointer<Int16>
  ) -> Int {
    concealment.conceal(frames: frames, into: output)
    return frames
  }

  public func reset() { concealment.reset() }
}
