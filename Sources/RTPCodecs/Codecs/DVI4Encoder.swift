/// DVI4 (RFC 3551 §4.5.1): IMA ADPCM, 4 bits per sample, each packet starting with the state the
/// coder had before its first sample (predicted value in network order, step index, a zero
/// byte), so that every packet decodes on its own; the first sample in the high nibble. Mono, at
/// any clock rate (PT 5 is 8000 Hz, 6 is 16000); the state runs on from packet to packet.
public final class DVI4Encoder: AudioEncoder {
  public let format: PayloadFormat
  public var sampleRate: Int { format.clockRate }
  public var channels: Int { 1 }
  /// Two samples fill one byte.
  public var frameSize: Int { 2 }
  private var state = IMAADPCMState()

  /// An encoder of `format` (mono DVI4 at its clock rate).
  public init(format: PayloadFormat) throws(CodecError) {
    guard format.channels == 1 else {
      throw .invalidParameters(format, "DVI4 is encoded in mono only")
    }
    self.format = format
  }

  public func problem(packetFrames frames: Int) -> String? {
    guard frames >= 2, frames % 2 == 0 else {
      return "DVI4 packs two samples a byte: a packet needs an even number of samples"
    }
    return nil
  }

  public func maximumPayloadBytes(frames: Int) -> Int { 4 + frames / 2 }

  public func encode(
    _ samples: UnsafeBufferPointer<Int16>, into payload: UnsafeMutableRawBufferPointer
  ) throws(CodecError) -> Int {
    let predicted = UInt16(bitPattern: Int16(state.predicted))
    payload[0] = UInt8(predicted >> 8)
    payload[1] = UInt8(predicted & 0xFF)
    payload[2] = UInt8(state.index)
    payload[3] = 0
    var written = 4
    var position = 0
    while position + 1 < samples.count {
      let high = state.encode(samples[position])
      let low = state.encode(samples[position + 1])
      payload[written] = high << 4 | low
      written += 1
      position += 2
    }
    return written
  }

  public func reset() { state = IMAADPCMState() }
}
