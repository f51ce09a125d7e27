/// The state of an IMA ADPCM coder (DVI4): the predicted sample and the step-table index, and
/// the one step both the decoder and the encoder take per 4-bit code, so that an encoder tracks
/// exactly what its decoder will reconstruct.
struct IMAADPCMState {
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

  /// The last reconstructed sample, the prediction of the next.
  var predicted: Int32 = 0
  /// Where in ``steps`` the coder is.
  var index = 0

  /// Applies `code` (its low 4 bits) and returns the reconstructed sample.
  @inline(__always)
  mutating func decode(_ code: UInt8) -> Int16 {
    let step = Self.steps[index]
    var difference = step >> 3
    if code & 4 != 0 { difference += step }
    if code & 2 != 0 { difference += step >> 1 }
    if code & 1 != 0 { difference += step >> 2 }
    predicted += code & 8 != 0 ? -difference : difference
    predicted = min(max(predicted, -32768), 32767)
    index = min(max(index + Self.indexMoves[Int(code & 0x0F)], 0), Self.steps.count - 1)
    return Int16(predicted)
  }

  /// The code that brings the prediction nearest `sample`, applied as the decoder will apply
  /// it.
  @inline(__always)
  mutating func encode(_ sample: Int16) -> UInt8 {
    let step = Self.steps[index]
    var difference = Int32(sample) - predicted
    var code: UInt8 = 0
    if difference < 0 {
      code = 8
      difference = -difference
    }
    if difference >= step {
      code |= 4
      difference -= step
    }
    if difference >= step >> 1 {
      code |= 2
      difference -= step >> 1
    }
    if difference >= step >> 2 { code |= 1 }
    _ = decode(code)
    return code
  }
}
