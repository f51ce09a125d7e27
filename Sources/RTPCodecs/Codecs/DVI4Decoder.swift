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

  /// The IMA step sizes.
  static let steps: [Int32] = [
    7, 8, 9, 10, 11, 12, 13, 14, 16, 17, 19, 21, 23, 25, 28, 31, 34, 37, 41, 45, 50, 55, 60, 66,
    73, 80, 88, 97, 107, 118, 130, 143, 157, 173, 190, 209, 230, 253, 279, 307, 337, 371, 408,
    449, 494, 544, 598, 658, 724, 796, 876, 963, 1060, 1166, 1282, 1411, 1552, 1707, 1878, 2066,
    2272, 2499, 2749, 3024, 3327, 3660, 4026, 4428, 4871, 5358, 5894, 6484, 7132, 7845, 8630,
    9493, 10442, 11487, 12635, 13899, 15289, 16818, 18500, 20350, 22385, 24623, 27086, 29794,
    32767,
  ]
  /// How each code moves the step index.
  static let indexMoves: [Int] = [-1, -1, -1, -1, 2, 4, 6, 8, -1, -1, -1, -1, 2, 4, 6, 8]

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
    var predicted = Int32(Int16(bitPattern: UInt16(payload[0]) << 8 | UInt16(payload[1])))
    var index = Int(payload[2])
    guard index < Self.steps.count else {
      throw .corrupt("DVI4 step index \(index) is past the table's 88")
    }
    var written = 0
    for position in 4..<payload.count {
      let byte = payload[position]
      for code in [byte >> 4, byte & 0x0F] {
        let step = Self.steps[index]
        var difference = step >> 3
        if code & 4 != 0 { difference += step }
        if code & 2 != 0 { difference += step >> 1 }
        if code & 1 != 0 { difference += step >> 2 }
        predicted += code & 8 != 0 ? -difference : difference
        predicted = min(max(predicted, -32768), 32767)
        index = min(max(index + Self.indexMoves[Int(code)], 0), Self.steps.count - 1)
        output[written] = Int16(predicted)
        written += 1
      }
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
