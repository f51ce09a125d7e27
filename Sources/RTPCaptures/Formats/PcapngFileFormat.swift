import RTPIO

/// The pcapng block format as this package writes it: one little-endian section (version 1.0,
/// length unknown), one Ethernet interface, then one Enhanced Packet Block per frame.
enum PcapngFileFormat {
  /// Section Header Block type; also the byte-order-independent start of every pcapng file.
  static let sectionHeaderType: UInt32 = 0x0A0D_0D0A
  /// Interface Description Block type.
  static let interfaceDescriptionType: UInt32 = 0x0000_0001
  /// Enhanced Packet Block type.
  static let enhancedPacketType: UInt32 = 0x0000_0006
  /// Written in the section header in the writer's byte order.
  static let byteOrderMagic: UInt32 = 0x1A2B_3C4D
  /// The application named in the section header's `shb_userappl` option.
  static let application: StaticString = "rtpsynth"
  /// The interface's snapshot length; every packet this package writes is shorter.
  static let snapshotLength: UInt32 = 262_144
  /// Bytes of an Enhanced Packet Block before the packet data.
  static let enhancedPacketHeaderLength = 28
  /// Bytes of an Enhanced Packet Block after the padded packet data (the repeated length).
  static let enhancedPacketTrailerLength = 4

  /// Appends the Section Header Block and the Interface Description Block to `sink`.
  static func writeFileHeader(to sink: OutputSink, precision: TimestampPrecision) throws(IOError) {
    // Section Header Block: type, length, magic, version 1.0, section length −1 (unknown),
    // shb_userappl, opt_endofopt, length again.
    let appLength = application.utf8CodeUnitCount
    let appPadded = padded(appLength)
    let shbLength = 24 + 4 + appPadded + 4 + 4
    let shb = try sink.reserve(shbLength)
    shb.initializeMemory(as: UInt8.self, repeating: 0)
    shb.storeBytes(of: sectionHeaderType.littleEndian, toByteOffset: 0, as: UInt32.self)
    shb.storeBytes(of: UInt32(shbLength).littleEndian, toByteOffset: 4, as: UInt32.self)
    shb.storeBytes(of: byteOrderMagic.littleEndian, toByteOffset: 8, as: UInt32.self)
    shb.storeBytes(of: UInt16(1).littleEndian, toByteOffset: 12, as: UInt16.self)
    shb.storeBytes(of: UInt16(0).littleEndian, toByteOffset: 14, as: UInt16.self)
    shb.storeBytes(of: Int64(-1).littleEndian, toByteOffset: 16, as: Int64.self)
    shb.storeBytes(of: UInt16(4).littleEndian, toByteOffset: 24, as: UInt16.self)
    shb.storeBytes(of: UInt16(appLength).littleEndian, toByteOffset: 26, as: UInt16.self)
    application.withUTF8Buffer { text in
      UnsafeMutableRawBufferPointer(rebasing: shb[28..<(28 + appLength)]).copyMemory(
        from: UnsafeRawBufferPointer(text))
    }
    // opt_endofopt is the four zero bytes already there.
    shb.storeBytes(of: UInt32(shbLength).littleEndian, toByteOffset: shbLength - 4, as: UInt32.self)
    sink.commit(shbLength)

    try writeInterfaceDescription(to: sink, precision: precision, offsetSeconds: nil)
  }

  /// `if_tsoffset` of the interface that carries times before the epoch: at or before
  /// ``CaptureTime/earliest``, so that every earlier capture time counts up from it.
  static let earlyOffsetSeconds: Int64 = -4_611_686_019

  /// Appends an Interface Description Block (Ethernet, the snapshot length, `if_tsresol`, and
  /// `if_tsoffset` when `offsetSeconds` is given) to `sink`.
  static func writeInterfaceDescription(
    to sink: OutputSink, precision: TimestampPrecision, offsetSeconds: Int64?
  ) throws(IOError) {
    let idbLength = 16 + 8 + (offsetSeconds == nil ? 0 : 12) + 4 + 4
    let idb = try sink.reserve(idbLength)
    idb.initializeMemory(as: UInt8.self, repeating: 0)
    idb.storeBytes(of: interfaceDescriptionType.littleEndian, toByteOffset: 0, as: UInt32.self)
    idb.storeBytes(of: UInt32(idbLength).littleEndian, toByteOffset: 4, as: UInt32.self)
    idb.storeBytes(
      of: UInt16(truncatingIfNeeded: LinkType.ethernet.rawValue).littleEndian, toByteOffset: 8,
      as: UInt16.self)
    idb.storeBytes(of: snapshotLength.littleEndian, toByteOffset: 12, as: UInt32.self)
    // if_tsresol (9): one byte, a power of ten; 6 for microseconds, 9 for nanoseconds.
    idb.storeBytes(of: UInt16(9).littleEndian, toByteOffset: 16, as: UInt16.self)
    idb.storeBytes(of: UInt16(1).littleEndian, toByteOffset: 18, as: UInt16.self)
    idb[20] = precision == .nanoseconds ? 9 : 6
    if let offsetSeconds {
      // if_tsoffset (14): eight bytes, signed seconds added to every timestamp.
      idb.storeBytes(of: UInt16(14).littleEndian, toByteOffset: 24, as: UInt16.self)
      idb.storeBytes(of: UInt16(8).littleEndian, toByteOffset: 26, as: UInt16.self)
      idb.storeBytes(of: offsetSeconds.littleEndian, toByteOffset: 28, as: Int64.self)
    }
    idb.storeBytes(of: UInt32(idbLength).littleEndian, toByteOffset: idbLength - 4, as: UInt32.self)
    sink.commit(idbLength)
  }

  /// The whole length of an Enhanced Packet Block carrying `length` bytes of packet data.
  @inline(__always)
  static func enhancedPacketLength(dataLength length: Int) -> Int {
    enhancedPacketHeaderLength + padded(length) + enhancedPacketTrailerLength
  }

  /// Stores an Enhanced Packet Block for a frame of `length` bytes at `timestamp` (nanoseconds
  /// since the epoch) around data the caller puts at `block + enhancedPacketHeaderLength`,
  /// including the zero padding after it.
  ///
  /// Timestamps count units of the interface's resolution in 64 bits, rounded down: from the
  /// epoch on interface 0, and for `timestamp` before the epoch from ``earlyOffsetSeconds`` on
  /// interface 1, which the writer describes before the first such packet. `timestamp` must be
  /// a ``CaptureTime``'s.
  @inline(__always)
  static func storeEnhancedPacket(
    at block: UnsafeMutableRawPointer, timestamp: Int64, precision: TimestampPrecision,
    length: Int
  ) {
    let total = enhancedPacketLength(dataLength: length)
    let interface: UInt32 = timestamp < 0 ? 1 : 0
    // Within CaptureTime's range, the count from the early offset is below 2^63.
    let count =
      timestamp < 0 ? UInt64(timestamp &- earlyOffsetSeconds &* 1_000_000_000) : UInt64(timestamp)
    let units = precision == .nanoseconds ? count : count / 1000
    block.storeBytes(of: enhancedPacketType.littleEndian, toByteOffset: 0, as: UInt32.self)
    block.storeBytes(
      of: UInt32(truncatingIfNeeded: total).littleEndian, toByteOffset: 4, as: UInt32.self)
    block.storeBytes(of: interface.littleEndian, toByteOffset: 8, as: UInt32.self)
    block.storeBytes(
      of: UInt32(truncatingIfNeeded: units >> 32).littleEndian, toByteOffset: 12, as: UInt32.self)
    block.storeBytes(
      of: UInt32(truncatingIfNeeded: units).littleEndian, toByteOffset: 16, as: UInt32.self)
    let captured = UInt32(truncatingIfNeeded: length).littleEndian
    block.storeBytes(of: captured, toByteOffset: 20, as: UInt32.self)
    block.storeBytes(of: captured, toByteOffset: 24, as: UInt32.self)
    let dataEnd = enhancedPacketHeaderLength + length
    let trailer = total - enhancedPacketTrailerLength
    (block + dataEnd).initializeMemory(as: UInt8.self, repeating: 0, count: trailer - dataEnd)
    block.storeBytes(
      of: UInt32(truncatingIfNeeded: total).littleEndian, toByteOffset: trailer, as: UInt32.self)
  }

  /// `length` rounded up to a multiple of 4, as block contents are padded.
  @inline(__always)
  static func padded(_ length: Int) -> Int {
    (length + 3) & ~3
  }
}
