/// The last 256 extended sequence numbers of a stream, as bits: tells a duplicate from a packet
/// arriving out of order in O(1) and fixed memory.
struct SequenceWindow: Hashable, Sendable {
  static let span: Int64 = 256
  /// Bit i of the 256 set when `highest - i` has arrived.
  private var words = SIMD4<UInt64>(repeating: 0)
  /// The highest extended sequence number seen.
  private(set) var highest: Int64 = -1

  /// What a packet was relative to those before it.
  enum Arrival { case new, duplicate, reordered }

  /// Records `sequence`; the first call starts the window.
  @inline(__always)
  mutating func record(_ sequence: UInt16) -> Arrival {
    guard highest >= 0 else {
      highest = Int64(sequence)
      words[0] = 1
      return .new
    }
    let difference = Int64(Int16(bitPattern: sequence &- UInt16(truncatingIfNeeded: highest)))
    let extended = highest + difference
    if difference > 0 {
      shift(by: difference)
      highest = extended
      words[0] |= 1
      return .new
    }
    let back = -difference
    guard back < Self.span else { return .reordered }
    let word = Int(back / 64)
    let bit = UInt64(1) << UInt64(back % 64)
    if words[word] & bit != 0 { return .duplicate }
    words[word] |= bit
    return .reordered
  }

  @inline(__always)
  private mutating func shift(by count: Int64) {
    if count < 64 {
      // The usual step (the next packet, or a few lost): each word takes the bits the one below
      // it shifts out, with no loop.
      let bits = UInt64(truncatingIfNeeded: count)
      let back = 64 &- bits
      words = SIMD4(
        words[0] &<< bits,
        words[1] &<< bits | words[0] &>> back,
        words[2] &<< bits | words[1] &>> back,
        words[3] &<< bits | words[2] &>> back)
      return
    }
    guard count < Self.span else {
      words = SIMD4(repeating: 0)
      return
    }
    let wordShift = Int(count / 64)
    let bitShift = UInt64(count % 64)
    var shifted = SIMD4<UInt64>(repeating: 0)
    for index in stride(from: 3, through: wordShift, by: -1) {
      let source = index - wordShift
      var value = words[source] << bitShift
      if bitShift > 0 && source > 0 { value |= words[source - 1] >> (64 - bitShift) }
      shifted[index] = value
    }
    words = shifted
  }
}
