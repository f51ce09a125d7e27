extension G711 {
  /// µ-law codes indexed by the sample's bit pattern shifted right by 2: G.191's encoder reads
  /// a 14-bit sample (`sample >> 2`, negatives as its one's complement), so the code depends
  /// on those 14 bits only. 16 KiB: it stays in L1, where the 64 KiB table indexed by the
  /// whole bit pattern (2.97 G samples/s) did not; 3.25 G samples/s here.
  @usableFromInline
  static let ulawEncodeTable: [UInt8] = (0..<16384).map { index in
    ulawEncode(Int16(truncatingIfNeeded: index << 2))
  }

  /// A-law codes indexed by the sample's bit pattern shifted right by 4: G.191's A-law encoder
  /// reads a 12-bit sample. 4 KiB.
  @usableFromInline
  static let alawEncodeTable: [UInt8] = (0..<4096).map { index in
    alawEncode(Int16(truncatingIfNeeded: index << 4))
  }

  @usableFromInline
  static let ulawDecodeTable: [Int16] = (0..<256).map { ulawDecode(UInt8($0)) }

  @usableFromInline
  static let alawDecodeTable: [Int16] = (0..<256).map { alawDecode(UInt8($0)) }

  /// Encodes `samples` into the first `samples.count` bytes of `codes`, bit-exact with the
  /// scalar encoders. Allocates nothing.
  ///
  /// - Precondition: `codes` holds at least `samples.count` bytes.
  @inlinable
  public static func encode(
    _ law: G711Law, _ samples: UnsafeBufferPointer<Int16>, into codes: UnsafeMutableRawBufferPointer
  ) {
    precondition(codes.count >= samples.count, "output holds fewer bytes than samples")
    guard let input = samples.baseAddress, let output = codes.baseAddress else { return }
    let out = output.assumingMemoryBound(to: UInt8.self)
    let words = UnsafeRawPointer(input).assumingMemoryBound(to: UInt16.self)
    switch law {
    case .ulaw: lookUp(words, count: samples.count, in: ulawEncodeTable, shift: 2, into: out)
    case .alaw: lookUp(words, count: samples.count, in: alawEncodeTable, shift: 4, into: out)
    }
  }

  /// Writes `table[word >> shift]` for each of the `count` words; `shift` is a constant at
  /// each call, so the loop is a load, a shift, a load and a store.
  @inlinable @inline(__always)
  static func lookUp(
    _ words: UnsafePointer<UInt16>, count: Int, in table: [UInt8], shift: UInt16,
    into out: UnsafeMutablePointer<UInt8>
  ) {
    table.withUnsafeBufferPointer { table in
      let base = table.baseAddress!
      for index in 0..<count {
        out[index] = base[Int(words[index] &>> shift)]
      }
    }
  }

  /// Pairs of µ-law samples indexed by two codes as a little-endian 16-bit word, as a
  /// little-endian 32-bit word: one lookup for two samples. 256 KiB, but audio uses few of its
  /// lines at a time: 6.0 G samples/s on a sine (3.7 G on random codes) against 3.3 G for one
  /// sample a lookup.
  @usableFromInline
  static let ulawDecodePairs: [UInt32] = pairs(of: ulawDecodeTable)

  /// Pairs of A-law samples, as ``ulawDecodePairs``.
  @usableFromInline
  static let alawDecodePairs: [UInt32] = pairs(of: alawDecodeTable)

  private static func pairs(of table: [Int16]) -> [UInt32] {
    (0..<65536).map { index in
      UInt32(UInt16(bitPattern: table[index & 0xFF]))
        | UInt32(UInt16(bitPattern: table[index >> 8])) << 16
    }
  }

  /// Decodes `codes` into the first `codes.count` of `samples`. Allocates nothing.
  ///
  /// - Precondition: `samples` holds at least `codes.count` samples.
  @inlinable
  public static func decode(
    _ law: G711Law, _ codes: UnsafeRawBufferPointer, into samples: UnsafeMutableBufferPointer<Int16>
  ) {
    precondition(samples.count >= codes.count, "output holds fewer samples than bytes")
    guard let input = codes.baseAddress, let output = samples.baseAddress else { return }
    let pairs = law == .ulaw ? ulawDecodePairs : alawDecodePairs
    let out = UnsafeMutableRawPointer(output)
    let count = codes.count
    pairs.withUnsafeBufferPointer { pairs in
      let base = pairs.baseAddress!
      for pair in 0..<count / 2 {
        let codes = UInt16(
          littleEndian: input.loadUnaligned(fromByteOffset: 2 * pair, as: UInt16.self))
        out.storeBytes(of: base[Int(codes)].littleEndian, toByteOffset: 4 * pair, as: UInt32.self)
      }
    }
    if count % 2 != 0 {
      let table = law == .ulaw ? ulawDecodeTable : alawDecodeTable
      output[count - 1] = table[Int(input.load(fromByteOffset: count - 1, as: UInt8.self))]
    }
  }
}
