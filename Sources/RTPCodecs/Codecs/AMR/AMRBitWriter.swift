/// Writes bits most significant first into a payload, as RFC 4867 orders them.
struct AMRBitWriter {
  let bytes: UnsafeMutableRawBufferPointer
  /// The next bit's offset from the payload's start.
  private(set) var position = 0

  init(_ bytes: UnsafeMutableRawBufferPointer) { self.bytes = bytes }

  /// Writes the low `count` bits of `value` (at most 8); the bytes must have room.
  mutating func write(_ value: Int, _ count: Int) {
    for bit in stride(from: count - 1, through: 0, by: -1) {
      let index = position >> 3
      let mask = UInt8(0x80) >> UInt8(position & 7)
      if position & 7 == 0 { bytes[index] = 0 }
      if (value >> bit) & 1 != 0 { bytes[index] |= mask }
      position += 1
    }
  }

  /// Pads with zero bits to the next byte boundary.
  mutating func align() {
    let rest = (8 - position & 7) & 7
    write(0, rest)
  }

  /// Writes the first `count` bits of `source`, packed from its first byte's top bit.
  mutating func copy(_ count: Int, from source: UnsafeRawPointer) {
    var offset = 0
    var left = count
    while left > 0 {
      let step = min(left, 8)
      let byte = Int(source.load(fromByteOffset: offset, as: UInt8.self))
      write(byte >> (8 - step), step)
      left -= step
      offset += 1
    }
  }

  /// Bytes begun.
  var byteCount: Int { (position + 7) >> 3 }
}
