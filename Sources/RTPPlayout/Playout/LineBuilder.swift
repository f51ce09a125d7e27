/// Appends ASCII text and numbers to a buffer known to be large enough.
struct LineBuilder {
  let base: UnsafeMutablePointer<UInt8>
  let capacity: Int
  var count = 0

  init(_ space: UnsafeMutableRawBufferPointer) {
    base = space.baseAddress!.assumingMemoryBound(to: UInt8.self)
    capacity = space.count
  }

  mutating func append(_ text: StaticString) {
    let length = text.utf8CodeUnitCount
    precondition(count + length <= capacity)
    (base + count).update(from: text.utf8Start, count: length)
    count += length
  }

  mutating func append(_ value: Int64) {
    var magnitude = value.magnitude
    if value < 0 { appendByte(UInt8(ascii: "-")) }
    var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)
    var length = 0
    withUnsafeMutableBytes(of: &digits) { scratch in
      repeat {
        scratch[length] = UInt8(ascii: "0") + UInt8(magnitude % 10)
        magnitude /= 10
        length += 1
      } while magnitude > 0
      precondition(count + length <= capacity)
      for index in 0..<length { base[count + index] = scratch[length - 1 - index] }
    }
    count += length
  }

  /// Nanoseconds as seconds with nine decimals.
  mutating func appendSeconds(_ nanoseconds: Int64) {
    if nanoseconds < 0 { appendByte(UInt8(ascii: "-")) }
    let magnitude = nanoseconds.magnitude
    append(Int64(magnitude / 1_000_000_000))
    appendByte(UInt8(ascii: "."))
    var fraction = magnitude % 1_000_000_000
    precondition(count + 9 <= capacity)
    for index in stride(from: 8, through: 0, by: -1) {
      base[count + index] = UInt8(ascii: "0") + UInt8(fraction % 10)
      fraction /= 10
    }
    count += 9
  }

  /// Eight upper-case hexadecimal digits.
  mutating func appendHex(_ value: UInt32) {
    precondition(count + 8 <= capacity)
    for index in 0..<8 {
      let nibble = UInt8((value >> UInt32(28 - 4 * index)) & 0xF)
      base[count + index] =
        nibble < 10 ? UInt8(ascii: "0") + nibble : UInt8(ascii: "A") + nibble - 10
    }
    count += 8
  }

  mutating func appendByte(_ byte: UInt8) {
    precondition(count < capacity)
    base[count] = byte
    count += 1
  }
}
