import RTPIO

/// libpcap's classic file format as this package writes it: host-independent little-endian,
/// version 2.4, snapshot length 262144, Ethernet link type.
///
/// The file header is 24 bytes; each record is a 16-byte header (seconds, microseconds or
/// nanoseconds, captured length, original length) followed by the frame.
enum PcapFileFormat {
  /// Magic number of a file with microsecond timestamps.
  static let microsecondMagic: UInt32 = 0xA1B2_C3D4
  /// Magic number of a file with nanosecond timestamps.
  static let nanosecondMagic: UInt32 = 0xA1B2_3C4D
  /// The snapshot length written in the header; every record this package writes is shorter.
  static let snapshotLength: UInt32 = 262_144
  /// Length of the file header.
  static let fileHeaderLength = 24
  /// Length of a record header.
  static let recordHeaderLength = 16

  /// Appends the file header to `sink`.
  static func writeFileHeader(to sink: OutputSink, precision: TimestampPrecision) throws(IOError) {
    let header = try sink.reserve(fileHeaderLength)
    let magic = precision == .nanoseconds ? nanosecondMagic : microsecondMagic
    header.storeBytes(of: magic.littleEndian, toByteOffset: 0, as: UInt32.self)
    header.storeBytes(of: UInt16(2).littleEndian, toByteOffset: 4, as: UInt16.self)
    header.storeBytes(of: UInt16(4).littleEndian, toByteOffset: 6, as: UInt16.self)
    // GMT offset and timestamp accuracy: always 0.
    header.storeBytes(of: UInt64(0), toByteOffset: 8, as: UInt64.self)
    header.storeBytes(of: snapshotLength.littleEndian, toByteOffset: 16, as: UInt32.self)
    header.storeBytes(
      of: LinkType.ethernet.rawValue.littleEndian, toByteOffset: 20, as: UInt32.self)
    sink.commit(fileHeaderLength)
  }

  /// Stores a record header for a frame of `length` bytes captured whole at `timestamp`
  /// (nanoseconds since the epoch).
  ///
  /// The format holds unsigned 32-bit seconds: the writer refuses times outside ``latest``
  /// before it gets here (see ``CaptureWriter``); sub-second parts are truncated to the
  /// precision.
  @inline(__always)
  static func storeRecordHeader(
    at record: UnsafeMutableRawPointer, timestamp: Int64, precision: TimestampPrecision,
    length: Int
  ) {
    let (seconds, nanoseconds) = split(timestamp)
    let fraction = precision == .nanoseconds ? nanoseconds : nanoseconds / 1000
    record.storeBytes(of: seconds.littleEndian, toByteOffset: 0, as: UInt32.self)
    record.storeBytes(of: fraction.littleEndian, toByteOffset: 4, as: UInt32.self)
    let captured = UInt32(truncatingIfNeeded: length).littleEndian
    record.storeBytes(of: captured, toByteOffset: 8, as: UInt32.self)
    record.storeBytes(of: captured, toByteOffset: 12, as: UInt32.self)
  }

  /// The last instant the format holds: 2106-02-07T06:28:15.999999999Z.
  static let latest = Int64(UInt32.max) * 1_000_000_000 + 999_999_999

  /// Whether the format holds `timestamp`: from the epoch to ``latest``.
  @inline(__always)
  static func holds(_ timestamp: Int64) -> Bool {
    timestamp >= 0 && timestamp <= latest
  }

  /// Splits nanoseconds since the epoch into seconds and nanoseconds, clamped to what 32-bit
  /// unsigned seconds can hold.
  @inline(__always)
  static func split(_ timestamp: Int64) -> (seconds: UInt32, nanoseconds: UInt32) {
    // Unsigned division of a value in 0 ... latest: both parts fit 32 bits, nothing to check.
    let clamped = UInt64(min(max(timestamp, 0), latest))
    let seconds = clamped / 1_000_000_000
    return (
      UInt32(truncatingIfNeeded: seconds),
      UInt32(truncatingIfNeeded: clamped &- seconds &* 1_000_000_000)
    )
  }
}
