import Foundation

/// Builds captures with chosen time fields around real frames, for the tests of times at and
/// past the ends of what each format and ``CaptureTime`` hold.
enum TimeCaptureBuilder {
  /// A pcapng interface: `if_tsresol` and `if_tsoffset` when given.
  struct Interface {
    var resolution: UInt8? = nil
    var offsetSeconds: Int64? = nil
  }

  /// A packet of a built pcapng: its interface, its timestamp ticks and its frame.
  struct Packet {
    var interface: UInt32
    var ticks: UInt64
    var frame: [UInt8]
  }

  static func little32(_ bytes: [UInt8], _ at: Int) -> Int {
    Int(bytes[at]) | Int(bytes[at + 1]) << 8 | Int(bytes[at + 2]) << 16 | Int(bytes[at + 3]) << 24
  }

  /// The Ethernet frames of three 20 ms µ-law packets of one stream (160 payload bytes each),
  /// as rtpgen writes them.
  static func frames(in dir: URL) throws -> [[UInt8]] {
    let made = Shell.run(
      "rtpgen --count 3 --pt 0 --ptime 20 --seed 9 > frames.pcap", in: dir)
    guard made.status == 0 else { throw CocoaError(.fileReadUnknown) }
    let pcap = [UInt8](try Data(contentsOf: dir.appendingPathComponent("frames.pcap")))
    var frames: [[UInt8]] = []
    var offset = 24
    while offset + 16 <= pcap.count {
      let caplen = little32(pcap, offset + 8)
      frames.append(Array(pcap[(offset + 16)..<(offset + 16 + caplen)]))
      offset += 16 + caplen
    }
    return frames
  }

  private static func append<T: FixedWidthInteger>(_ value: T, to bytes: inout [UInt8]) {
    withUnsafeBytes(of: value.littleEndian) { bytes += $0 }
  }

  private static func appendBig<T: FixedWidthInteger>(_ value: T, to bytes: inout [UInt8]) {
    withUnsafeBytes(of: value.bigEndian) { bytes += $0 }
  }

  /// A little-endian pcapng: one section, `interfaces` (Ethernet), then one Enhanced Packet
  /// Block per packet.
  static func pcapng(interfaces: [Interface], packets: [Packet]) -> [UInt8] {
    var bytes: [UInt8] = []
    append(UInt32(0x0A0D_0D0A), to: &bytes)
    append(UInt32(28), to: &bytes)
    append(UInt32(0x1A2B_3C4D), to: &bytes)
    append(UInt16(1), to: &bytes)
    append(UInt16(0), to: &bytes)
    append(Int64(-1), to: &bytes)
    append(UInt32(28), to: &bytes)
    for interface in interfaces {
      var options: [UInt8] = []
      if let resolution = interface.resolution {
        append(UInt16(9), to: &options)
        append(UInt16(1), to: &options)
        options += [resolution, 0, 0, 0]
      }
      if let offset = interface.offsetSeconds {
        append(UInt16(14), to: &options)
        append(UInt16(8), to: &options)
        append(offset, to: &options)
      }
      options += [0, 0, 0, 0]
      let length = UInt32(16 + options.count + 4)
      append(UInt32(1), to: &bytes)
      append(length, to: &bytes)
      append(UInt16(1), to: &bytes)  // Ethernet
      append(UInt16(0), to: &bytes)
      append(UInt32(0), to: &bytes)  // no snapshot length
      bytes += options
      append(length, to: &bytes)
    }
    for packet in packets {
      let padded = (packet.frame.count + 3) & ~3
      let length = UInt32(28 + padded + 4)
      append(UInt32(6), to: &bytes)
      append(length, to: &bytes)
      append(packet.interface, to: &bytes)
      append(UInt32(truncatingIfNeeded: packet.ticks >> 32), to: &bytes)
      append(UInt32(truncatingIfNeeded: packet.ticks), to: &bytes)
      append(UInt32(packet.frame.count), to: &bytes)
      append(UInt32(packet.frame.count), to: &bytes)
      bytes += packet.frame + [UInt8](repeating: 0, count: padded - packet.frame.count)
      append(length, to: &bytes)
    }
    return bytes
  }

  /// A little-endian pcap (micro- or nanosecond magic) of `frames` at `times` (seconds and
  /// fraction fields as stored).
  static func pcap(nanoseconds: Bool, frames: [[UInt8]], times: [(UInt32, UInt32)]) -> [UInt8] {
    var bytes: [UInt8] = []
    append(nanoseconds ? UInt32(0xA1B2_3C4D) : UInt32(0xA1B2_C3D4), to: &bytes)
    append(UInt16(2), to: &bytes)
    append(UInt16(4), to: &bytes)
    append(UInt64(0), to: &bytes)
    append(UInt32(262_144), to: &bytes)
    append(UInt32(1), to: &bytes)
    for (frame, time) in zip(frames, times) {
      append(time.0, to: &bytes)
      append(time.1, to: &bytes)
      append(UInt32(frame.count), to: &bytes)
      append(UInt32(frame.count), to: &bytes)
      bytes += frame
    }
    return bytes
  }

  /// An rtpdump file of the RTP packets in `frames` (behind 42 bytes of Ethernet, IPv4 and UDP),
  /// starting at `start` (seconds, microseconds) with the records `milliseconds` after it.
  static func rtpdump(frames: [[UInt8]], start: (UInt32, UInt32), milliseconds: [UInt32])
    -> [UInt8]
  {
    var bytes = Array("#!rtpplay1.0 198.51.100.2/5004\n".utf8)
    appendBig(start.0, to: &bytes)
    appendBig(start.1, to: &bytes)
    appendBig(UInt32(0xC000_0201), to: &bytes)
    appendBig(UInt16(4000), to: &bytes)
    appendBig(UInt16(0), to: &bytes)
    for (frame, offset) in zip(frames, milliseconds) {
      let packet = Array(frame[42...])
      appendBig(UInt16(8 + packet.count), to: &bytes)
      appendBig(UInt16(packet.count), to: &bytes)
      appendBig(offset, to: &bytes)
      bytes += packet
    }
    return bytes
  }
}
