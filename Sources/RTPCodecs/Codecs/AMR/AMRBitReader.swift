/// Reads bits most significant first from a payload, as RFC 4867 orders them.
struct AMRBitReader {
  let bytes: UnsafeRawBufferPointer
  /// The next bit's offset from the payload's start.
  private(set) var position = 0

  init(_ bytes: UnsafeRawBufferPointer) { self.bytes = bytes }

  /// Bits not read yet.
  var remaining: Int { bytes.count * 8 - position }

  /// The next `count` bits (at most 8, and no more than ``remaining``) as a number.
  mutating func read(_ count: Int) -> Int {
    var value = 0
    for _ in 0..<count {
      let byte = bytes[position >> 3]
      value = value << 1 | Int(byte >> (7 - UInt8(position & 7)) & 1)
      position += 1
    }
    return value
  }

  /// Moves to the next byte boundary.
  mutating func align() { position = (position + 7) & ~7 }

  /// Copies the next `count` bits (no more than ``remaining``) to `target`, packed from its
  /// first byte's top bit and padded with zero bits to a whole byte.
  mutating func copy(_ count: Int, to target: UnsafeMutableRawPointer) {
    let whole = count >> 3
    let shift = position & 7
    var index = position >> 3
    if shift == 0 {
      for offset in 0..<whole {
        target.storeBytes(of: bytes[index + offset], toByteOffset: offset, as: UInt8.self)
      }
    } else {
      for offset in 0..<whole {
        let high = bytes[index] << UInt8(shift)
        let low = bytes[index + 1] >> UInt8(8 - shift)
        target.storeBytes(of: high | low, toByteOffset: offset, as: UInt8.self)
        index += 1
      }
    }
    position += whole * 8
    let rest = count & 7
    if rest > 0 {
      let value = read(rest)
      target.storeBytes(of: UInt8(value << (8 - rest)), toByteOffset: whole, as: UInt8.self)
    }
  }
}
