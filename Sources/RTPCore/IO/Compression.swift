/// A compression a whole input may be wrapped in, recognised by its magic number (never by a
/// file name), which ``InputSource/startDecompressing(_:)`` undoes as it reads.
public enum Compression: String, Sendable, Equatable, CustomStringConvertible {
  /// gzip (RFC 1952), one member or several concatenated, as `gzip` and tshark write it.
  case gzip

  /// The compression whose magic number `prefix` starts with, or `nil` for none known
  /// (gzip: `1f 8b`).
  public init?(sniffing prefix: UnsafeRawBufferPointer) {
    guard prefix.count >= 2 else { return nil }
    if prefix[0] == 0x1F && prefix[1] == 0x8B {
      self = .gzip
    } else {
      return nil
    }
  }

  /// The most bytes ``init(sniffing:)`` looks at.
  public static let magicLength = 2

  /// `gzip`.
  public var description: String { rawValue }
}
