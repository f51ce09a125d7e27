/// The last 256 extended sequence numbers of a stream, as bits: tells a duplicate from a packet
/// arriving out of order in O(1) and fixed memory.
struct SequenceWindow: Sendable {
  static let span: Int64 = 256
  /// Bit i of the 256 set when `highest - i` has arrived: bits 0 ... 63 in `words.0`, and so
  /// on (a tuple of words in registers, cheaper per packet than a SIMD4 here).
  private var words: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
  /// The highest extended sequence number seen.
  private(set) var highest: Int64 = -1

  /// What a packet was relative to those before it.
  enum Arrival { case new, duplicate, reordered }

  /// Records `sequence`; the first call starts the window.
  @inline(__always)
  mutating func record(_ sequence: UInt16) -> Arrival {
    guard highest >= 0 else {
      highest = Int64(sequence)
      words = (1, 0, 0, 0)
      return .new
    }
    let difference = Int64(Int16(bitPattern: sequence &- UInt16(truncatingIfNeeded: highest)))
    let extended = highest + difference
    if difference > 0 {
      shift(by: difference)
      highest = extended
      words.0 |= 1
      return .new
    }
    let back = -difference
    guard back < Self.span else { return .reordered }
    let bit = UInt64(1) << UInt64(back % 64)
    let word: UInt64
    switch back / 64 {
    case 0: word = words.0
    case 1: word = words.1
    case 2: word = words.2
    default: word = words.3
    }
    if word & bit != 0 { return .duplicate }
    switch back / 64 {
    case 0: words.0 |= bit
    case 1: words.1 |= bit
    case 2: words.2 |= bit
    default: words.3 |= bit
    }
    return .reordered
  }

  /// Moves the window up by `count` (at least 1) sequence numbers.
  @inline(__always)
  private mutating func shift(by count: Int64) {
    guard count < Self.span else {
      words = (0, 0, 0, 0)
      return
    }
    // Whole words first, then the bits within a word, each word taking the bits the one below
    // it shifts out.
    var (w0, w1, w2, w3) = words
    var remaining = count
    while remaining >= 64 {
      (w0, w1, w2, w3) = (0, w0, w1, w2)
      remaining -= 64
    }
    if remaining > 0 {
      let bits = UInt64(truncatingIfNeeded: remaining)
      let back = 64 &- bits
      w3 = w3 &<< bits | w2 &>> back
      w2 = w2 &<< bits | w1 &>> back
      w1 = w1 &<< bits | w0 &>> back
      w0 = w0 &<< bits
    }
    words = (w0, w1, w2, w3)
  }
}
