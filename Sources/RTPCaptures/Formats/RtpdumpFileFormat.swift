import RTPIO

/// rtptools' binary `rtpdump -F dump` format, as Wireshark also writes it.
///
/// The file begins with the text line `#!rtpplay1.0 ADDRESS/PORT\n` naming the destination, then
/// a 16-byte header: start time (seconds, microseconds), source IPv4 address, source port and two
/// bytes of padding. Each record is an 8-byte header (record length including the header, the
/// RTP packet length or 0 for RTCP, milliseconds since the start) and the UDP payload. Every
/// binary field is big-endian.
///
/// The format records one source and one destination for the whole file, so the writer takes
/// them from the first datagram. An IPv6 destination is written as its literal in the text line
/// (`#!rtpplay1.0 2001:db8::1/5004`); an IPv6 source, which the 32-bit field cannot hold, is
/// written as 0.0.0.0, as Wireshark does for its IPv6 exports.
enum RtpdumpFileFormat {
  /// Length of the binary file header after the text line.
  static let binaryHeaderLength = 16
  /// Length of a record header.
  static let recordHeaderLength = 8
  /// The largest payload a record can hold: its 16-bit length also counts the record header.
  static let maximumPayloadLength = Int(UInt16.max) - recordHeaderLength

  /// Appends the text line and the binary header to `sink`, for a recording from `source` to
  /// `destination` that starts at `start` (nanoseconds since the epoch, already truncated to
  /// microseconds and clamped by ``start(for:)``).
  static func writeFileHeader(
    to sink: OutputSink, source: Endpoint, destination: Endpoint, start: Int64
  ) throws(IOError) {
    try sink.write("#!rtpplay1.0 \(destination.address)/\(destination.port)\n".utf8)
    let header = try sink.reserve(binaryHeaderLength)
    let seconds = UInt32(truncatingIfNeeded: start / 1_000_000_000)
    let microseconds = UInt32(truncatingIfNeeded: start % 1_000_000_000 / 1000)
    let sourceAddress: UInt32
    switch source.address {
    case .v4(let v4): sourceAddress = v4.rawValue
    case .v6: sourceAddress = 0
    }
    header.storeBytes(of: seconds.bigEndian, toByteOffset: 0, as: UInt32.self)
    header.storeBytes(of: microseconds.bigEndian, toByteOffset: 4, as: UInt32.self)
    header.storeBytes(of: sourceAddress.bigEndian, toByteOffset: 8, as: UInt32.self)
    header.storeBytes(of: source.port.bigEndian, toByteOffset: 12, as: UInt16.self)
    header.storeBytes(of: UInt16(0), toByteOffset: 14, as: UInt16.self)
    sink.commit(binaryHeaderLength)
  }

  /// The latest a packet can be after the start: 2^32 - 1 ms (49.7 days), in nanoseconds.
  static let maximumOffset = Int64(UInt32.max) * 1_000_000 + 999_999

  /// The recording's start for a first packet at `timestamp`: truncated to the header's
  /// microseconds and clamped to its unsigned 32-bit seconds.
  static func start(for timestamp: Int64) -> Int64 {
    let (seconds, nanoseconds) = PcapFileFormat.split(timestamp)
    return Int64(seconds) * 1_000_000_000 + Int64(nanoseconds / 1000 * 1000)
  }

  /// Stores a record header for `payload`, sent at `timestamp`, in a recording that began at
  /// `start` (both in nanoseconds since the epoch).
  ///
  /// The offset is whole milliseconds since the start; a packet from before the start (in
  /// play-out order, a reordered packet arrived before the first one written) is written at
  /// offset 0, as the unsigned offset cannot say more. The writer refuses a packet more than
  /// ``maximumOffset`` after the start before it gets here. `plen` is 0 when the
  /// payload looks like RTCP (version 2, packet type 192–223, RFC 5761 §4), as rtpdump writes
  /// packets that arrived on the RTCP port, and the payload's length otherwise.
  @inline(__always)
  static func storeRecordHeader(
    at record: UnsafeMutableRawPointer, payload: UnsafeRawBufferPointer, timestamp: Int64,
    start: Int64
  ) {
    let elapsed = timestamp >= start ? UInt64(timestamp - start) / 1_000_000 : 0
    let offset = UInt32(clamping: elapsed)
    let length = UInt16(truncatingIfNeeded: payload.count + recordHeaderLength)
    let isRTCP = payload.count >= 2 && payload[0] >> 6 == 2 && (192...223).contains(payload[1])
    let packetLength = isRTCP ? 0 : UInt16(truncatingIfNeeded: payload.count)
    record.storeBytes(of: length.bigEndian, toByteOffset: 0, as: UInt16.self)
    record.storeBytes(of: packetLength.bigEndian, toByteOffset: 2, as: UInt16.self)
    record.storeBytes(of: offset.bigEndian, toByteOffset: 4, as: UInt32.self)
  }
}
