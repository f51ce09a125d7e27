/// A compression a whole input may be wrapped in, recognised by its magic number (never by a
/// file name), which ``InputSource/startDecompressing(_:)`` undoes as it reads.
public enum Compression: String, Sendable, Equatable, CustomStringConvertible {
  /// gzip (RFC 1952), one member or several concatenated, as `gzip` and tshark write it.
  case gzip
  /// xz (the .xz container of LZMA2), one stream or several concatenated, with padding.
  case xz

  /// The magic numbers: gzip `1f 8b`, xz `fd 37 7a 58 5a 00`.
  private static let magics: [(Compression, [UInt8])] = [
    (.gzip, [0x1F, 0x8B]), (.xz, [0xFD, 0x37, 0x7A, 0x58, 0x5A, 0x00]),
  ]

  /// The compression whose magic number `prefix` starts with, or `nil` for none known.
  public init?(sniffing prefix: UnsafeRawBufferPointer) {
    for (compression, magic) in Self.magics
    where prefix.count >= magic.count && prefix.prefix(magic.count).elementsEqual(magic) {
      self = compression
      return
    }
    return nil
  }

  /// The most bytes ``init(sniffing:)`` looks at.
  public static let magicLength = 6

  /// The most memory an xz stream may ask for to be decoded (256 MiB; `xz -9` needs 65 MiB):
  /// a header asking for more is refused as damage rather than allocated.
  public static let xzMemoryLimit: UInt64 = 256 << 20

  /// `gzip`, `xz`.
  public var description: String { rawValue }
}
