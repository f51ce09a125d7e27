import CSpanDSP

/// What a G.726 encoding name says: the bits per codeword (2, 3, 4 or 5, for 16, 24, 32 and
/// 40 kbit/s) and the order codewords are packed in octets.
///
/// `G726-16` to `G726-40` (RFC 3551 §4.5.4) pack each octet from its least significant bit
/// up, the first codeword in the low bits; `AAL2-G726-16` to `AAL2-G726-40` (RFC 3551's note,
/// ITU-T I.366.2 Annex E) pack from the most significant bit down.
struct G726Mode: Sendable, Hashable {
  /// Bits per codeword.
  let bitsPerCode: Int
  /// Whether the first codeword is in an octet's most significant bits (the AAL2 names).
  let mostSignificantFirst: Bool

  /// The encoding names, in lower case.
  static let encodingNames: [String] = [
    "g726-16", "g726-24", "g726-32", "g726-40",
    "aal2-g726-16", "aal2-g726-24", "aal2-g726-32", "aal2-g726-40",
  ]

  /// The mode of `format`'s encoding name, `nil` for a name that is not G.726's.
  init?(_ format: PayloadFormat) {
    var name = Substring(format.normalizedName)
    let aal2 = name.hasPrefix("aal2-")
    if aal2 { name = name.dropFirst(5) }
    guard name.hasPrefix("g726-"), let rate = Int(name.dropFirst(5)),
      [16, 24, 32, 40].contains(rate)
    else {
      return nil
    }
    bitsPerCode = rate / 8
    mostSignificantFirst = aal2
  }

  /// The bit rate in bit/s.
  var bitRate: Int { bitsPerCode * 8000 }

  /// The fewest codewords that fill whole octets: 4 at 16 kbit/s, 8 at 24 and 40, 2 at 32.
  var codesPerOctetGroup: Int {
    var group = 1
    while group * bitsPerCode % 8 != 0 { group += 1 }
    return group
  }

  /// spandsp's packing option for this order: spandsp's "left" packing fills an octet from its
  /// most significant bit, its "right" packing from its least.
  var spandspPacking: Int32 {
    Int32(mostSignificantFirst ? G726_PACKING_LEFT : G726_PACKING_RIGHT)
  }

  /// Makes spandsp's state for this mode (or re-initialises `state`).
  func initialise(_ state: OpaquePointer?) -> OpaquePointer? {
    g726_init(state, Int32(bitRate), Int32(G726_ENCODING_LINEAR), spandspPacking)
  }
}
