/// G.711 decoding tables for the audio reader, built from ``G711``'s scalar decoders so that
/// decoding stays bit-exact with them.
enum CompandingTables {
  /// The 16-bit sample of each µ-law octet.
  static let ulaw: [Int16] = (0...255).map { G711.ulawDecode(UInt8($0)) }
  /// The 16-bit sample of each A-law octet.
  static let alaw: [Int16] = (0...255).map { G711.alawDecode(UInt8($0)) }
}
