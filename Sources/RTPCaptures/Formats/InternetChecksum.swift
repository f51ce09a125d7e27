/// The RFC 1071 Internet checksum: the ones' complement of the ones' complement sum of 16-bit
/// words, as IPv4 headers and UDP (with its pseudo-header) carry it.
///
/// The sum is accumulated in the host's own byte order, 8 bytes per step, and swapped once at the
/// end (RFC 1071 §2(B) shows that the ones' complement sum does not depend on byte order). Data
/// may be added in pieces; every piece but the last must have an even length, because a piece is
/// summed as though it started on a 16-bit boundary.
struct InternetChecksum {
  /// The unfolded sum of 16-bit words in memory (host) order; no carry is lost before 2^32
  /// additions of 32-bit values.
  private var accumulator: UInt64 = 0

  /// Creates an empty sum.
  init() {}

  /// Adds one 16-bit word given as a number (`0x4500` is the octets `45 00`).
  @inline(__always)
  mutating func add(word: UInt16) {
    accumulator &+= UInt64(word.bigEndian)
  }

  /// Adds a 32-bit value given as a number, as two 16-bit words, most significant first.
  @inline(__always)
  mutating func add(doubleWord: UInt32) {
    accumulator &+= UInt64(doubleWord.bigEndian)
  }

  /// Adds `count` bytes at `start`; an odd final byte is summed as if followed by a zero octet.
  @inline(__always)
  mutating func add(_ start: UnsafeRawPointer, count: Int) {
    var offset = 0
    // 32 bytes a step as whole 64-bit words, each added with its carry wrapped around (a ones'
    // complement sum in 64 bits, which folds to the same 16-bit sum: 2^64 - 1 is a multiple of
    // 2^16 - 1), on two independent chains so that the processor overlaps the additions.
    var first: UInt64 = 0
    var second: UInt64 = 0
    while count &- offset >= 32 {
      first = Self.onesComplementSum(
        first, start.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
      second = Self.onesComplementSum(
        second, start.loadUnaligned(fromByteOffset: offset &+ 8, as: UInt64.self))
      first = Self.onesComplementSum(
        first, start.loadUnaligned(fromByteOffset: offset &+ 16, as: UInt64.self))
      second = Self.onesComplementSum(
        second, start.loadUnaligned(fromByteOffset: offset &+ 24, as: UInt64.self))
      offset &+= 32
    }
    let words = Self.onesComplementSum(first, second)
    // Folded to 33 bits, so that the plain additions below (and later pieces) lose no carry.
    var sum = accumulator &+ (words & 0xFFFF_FFFF) &+ (words >> 32)
    if count &- offset >= 16 {
      let a = start.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
      let b = start.loadUnaligned(fromByteOffset: offset &+ 8, as: UInt64.self)
      sum &+= (a & 0xFFFF_FFFF) &+ (a >> 32) &+ (b & 0xFFFF_FFFF) &+ (b >> 32)
      offset &+= 16
    }
    if count &- offset >= 8 {
      let a = start.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
      sum &+= (a & 0xFFFF_FFFF) &+ (a >> 32)
      offset &+= 8
    }
    if count &- offset >= 4 {
      sum &+= UInt64(start.loadUnaligned(fromByteOffset: offset, as: UInt32.self))
      offset &+= 4
    }
    if count &- offset >= 2 {
      sum &+= UInt64(start.loadUnaligned(fromByteOffset: offset, as: UInt16.self))
      offset &+= 2
    }
    if count &- offset == 1 {
      let last = start.load(fromByteOffset: offset, as: UInt8.self)
      sum &+= UInt64((UInt16(last) << 8).bigEndian)
    }
    accumulator = sum
  }

  /// Copies `count` bytes from `source` to `destination` (which must not overlap) and adds
  /// them, in one pass: the same sum as ``add(_:count:)`` over the copy, without reading the
  /// bytes a second time (or calling `memcpy` for a packet's worth of them).
  @inline(__always)
  mutating func addCopying(
    _ source: UnsafeRawPointer, to destination: UnsafeMutableRawPointer, count: Int
  ) {
    var offset = 0
    // 16 bytes a step, as two 64-bit lanes whose 32-bit halves are added apart into 64-bit
    // lanes (no carry to carry around: 2^32 steps could not overflow them), which SSE2 does in
    // three instructions besides the load and the store.
    var low = SIMD2<UInt64>()
    var high = SIMD2<UInt64>()
    let mask = SIMD2<UInt64>(repeating: 0xFFFF_FFFF)
    // Four steps at a time, for fewer loop tests.
    while count &- offset >= 64 {
      let a = source.loadUnaligned(fromByteOffset: offset, as: SIMD2<UInt64>.self)
      let b = source.loadUnaligned(fromByteOffset: offset &+ 16, as: SIMD2<UInt64>.self)
      let c = source.loadUnaligned(fromByteOffset: offset &+ 32, as: SIMD2<UInt64>.self)
      let d = source.loadUnaligned(fromByteOffset: offset &+ 48, as: SIMD2<UInt64>.self)
      destination.storeBytes(of: a, toByteOffset: offset, as: SIMD2<UInt64>.self)
      destination.storeBytes(of: b, toByteOffset: offset &+ 16, as: SIMD2<UInt64>.self)
      destination.storeBytes(of: c, toByteOffset: offset &+ 32, as: SIMD2<UInt64>.self)
      destination.storeBytes(of: d, toByteOffset: offset &+ 48, as: SIMD2<UInt64>.self)
      low &+= (a & mask) &+ (b & mask) &+ (c & mask) &+ (d & mask)
      high &+= (a &>> 32) &+ (b &>> 32) &+ (c &>> 32) &+ (d &>> 32)
      offset &+= 64
    }
    while count &- offset >= 16 {
      let words = source.loadUnaligned(fromByteOffset: offset, as: SIMD2<UInt64>.self)
      destination.storeBytes(of: words, toByteOffset: offset, as: SIMD2<UInt64>.self)
      low &+= words & mask
      high &+= words &>> 32
      offset &+= 16
    }
    let lanes = low &+ high
    // Each lane is below 2^48 for any length the formats allow; folded to 33 bits so that the
    // plain additions below lose no carry.
    let words = lanes[0] &+ lanes[1]
    var sum = accumulator &+ (words & 0xFFFF_FFFF) &+ (words >> 32)
    if count &- offset >= 8 {
      let a = source.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
      destination.storeBytes(of: a, toByteOffset: offset, as: UInt64.self)
      sum &+= (a & 0xFFFF_FFFF) &+ (a >> 32)
      offset &+= 8
    }
    if count &- offset >= 4 {
      let a = source.loadUnaligned(fromByteOffset: offset, as: UInt32.self)
      destination.storeBytes(of: a, toByteOffset: offset, as: UInt32.self)
      sum &+= UInt64(a)
      offset &+= 4
    }
    if count &- offset >= 2 {
      let a = source.loadUnaligned(fromByteOffset: offset, as: UInt16.self)
      destination.storeBytes(of: a, toByteOffset: offset, as: UInt16.self)
      sum &+= UInt64(a)
      offset &+= 2
    }
    if count &- offset == 1 {
      let last = source.load(fromByteOffset: offset, as: UInt8.self)
      destination.storeBytes(of: last, toByteOffset: offset, as: UInt8.self)
      sum &+= UInt64((UInt16(last) << 8).bigEndian)
    }
    accumulator = sum
  }

  /// `a + b` with the carry out of bit 63 added back in: the 64-bit ones' complement sum.
  @inline(__always)
  private static func onesComplementSum(_ a: UInt64, _ b: UInt64) -> UInt64 {
    let (sum, carry) = a.addingReportingOverflow(b)
    return sum &+ (carry ? 1 : 0)
  }

  /// Adds another sum: the sum of the bytes both were taken over (the other's pieces even
  /// in length but the last).
  @inline(__always)
  mutating func add(_ other: InternetChecksum) {
    // Each is below 2^35 or so in practice; their sum loses no carry before the fold.
    let folded = (other.accumulator & 0xFFFF_FFFF) &+ (other.accumulator >> 32)
    accumulator &+= folded
  }

  /// Adds the bytes of `buffer`; an odd final byte is summed as if followed by a zero octet.
  mutating func add(_ buffer: UnsafeRawBufferPointer) {
    guard let start = buffer.baseAddress else { return }
    add(start, count: buffer.count)
  }

  /// The checksum as a number: the complement of the folded sum (`0xB861` is stored `B8 61`).
  var value: UInt16 {
    UInt16(bigEndian: ~folded)
  }

  /// The checksum in memory order: store it with `storeBytes(of:as:)` to get network order.
  @inline(__always)
  var valueInMemoryOrder: UInt16 {
    ~folded
  }

  /// The ones' complement sum folded to 16 bits, in memory order: halves added with their
  /// carry wrapped around, 64 to 32 bits and 32 to 16 (the carry back in cannot carry again).
  @inline(__always)
  private var folded: UInt16 {
    let (words, carry) = UInt32(truncatingIfNeeded: accumulator).addingReportingOverflow(
      UInt32(truncatingIfNeeded: accumulator >> 32))
    let sum = words &+ (carry ? 1 : 0)
    let (half, halfCarry) = UInt16(truncatingIfNeeded: sum).addingReportingOverflow(
      UInt16(truncatingIfNeeded: sum >> 16))
    return half &+ (halfCarry ? 1 : 0)
  }
}
