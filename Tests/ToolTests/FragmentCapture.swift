import Foundation

/// Ethernet frames of fragmented IPv4 and IPv6 UDP datagrams, and pcap files of them, written
/// byte by byte for the reassembly tests.
enum FragmentCapture {
  static func be16(_ value: Int) -> [UInt8] {
    [UInt8(truncatingIfNeeded: value >> 8), UInt8(truncatingIfNeeded: value)]
  }

  static func be32(_ value: UInt32) -> [UInt8] {
    [24, 16, 8, 0].map { UInt8(truncatingIfNeeded: value >> $0) }
  }

  static func le32(_ value: UInt32) -> [UInt8] {
    [0, 8, 16, 24].map { UInt8(truncatingIfNeeded: value >> $0) }
  }

  /// An RTP packet (PT 0) with `sequence`, its timestamp 160 a packet, and a payload that
  /// depends on the sequence.
  static func rtp(sequence: Int, ssrc: UInt32 = 0x1234_5678, payloadBytes: Int = 1000) -> [UInt8] {
    [0x80, 0x00] + be16(sequence) + be32(UInt32(sequence) &* 160) + be32(ssrc)
      + payload(sequence, payloadBytes)
  }

  /// The RTP payload of ``rtp(sequence:ssrc:payloadBytes:)``.
  static func payload(_ sequence: Int, _ count: Int = 1000) -> [UInt8] {
    (0..<count).map { UInt8(truncatingIfNeeded: $0 &* 3 &+ sequence) }
  }

  static let ipv4Source: [UInt8] = [192, 0, 2, 1]
  static let ipv4Destination: [UInt8] = [192, 0, 2, 2]
  static let ipv6Source: [UInt8] =
    [0x20, 0x01, 0x0D, 0xB8] + [UInt8](repeating: 0, count: 11) + [1]
  static let ipv6Destination: [UInt8] =
    [0x20, 0x01, 0x0D, 0xB8] + [UInt8](repeating: 0, count: 11) + [2]

  /// A UDP header (from port 4000 to 5004) and `payload`, its checksum computed for IPv6 when
  /// `ipv6` (IPv6 forbids a zero checksum) and left zero for IPv4.
  static func udp(_ payload: [UInt8], ipv6: Bool = false) -> [UInt8] {
    var segment = be16(4000) + be16(5004) + be16(8 + payload.count) + be16(0) + payload
    if ipv6 {
      var pseudo = ipv6Source + ipv6Destination + be32(UInt32(segment.count)) + [0, 0, 0, 17]
      pseudo += segment
      var sum: UInt32 = 0
      var index = 0
      while index < pseudo.count {
        let high = UInt32(pseudo[index]) << 8
        let low = index + 1 < pseudo.count ? UInt32(pseudo[index + 1]) : 0
        sum += high | low
        index += 2
      }
      while sum > 0xFFFF { sum = (sum & 0xFFFF) + (sum >> 16) }
      let checksum = ~UInt16(sum) == 0 ? 0xFFFF : ~UInt16(sum)
      segment[6] = UInt8(checksum >> 8)
      segment[7] = UInt8(checksum & 0xFF)
    }
    return segment
  }

  /// The byte ranges that cut `count` bytes into `pieces` fragments, all but the last a
  /// multiple of 8 bytes.
  static func cuts(_ count: Int, pieces: Int) -> [Range<Int>] {
    let step = (count / pieces + 7) / 8 * 8
    return stride(from: 0, to: count, by: step).map { $0..<min($0 + step, count) }
  }

  /// An Ethernet frame around an IPv4 packet with this fragment's fields and `data`.
  static func ipv4Frame(
    _ data: [UInt8], identification: Int, offset: Int, moreFragments: Bool,
    source: [UInt8] = ipv4Source
  ) -> [UInt8] {
    var header: [UInt8] = [0x45, 0] + be16(20 + data.count) + be16(identification)
    header += be16((moreFragments ? 0x2000 : 0) | offset / 8) + [64, 17, 0, 0]
    header += source + ipv4Destination
    var sum: UInt32 = 0
    for index in stride(from: 0, to: 20, by: 2) {
      sum += UInt32(header[index]) << 8 | UInt32(header[index + 1])
    }
    while sum > 0xFFFF { sum = (sum & 0xFFFF) + (sum >> 16) }
    header[10] = UInt8(~UInt16(sum) >> 8)
    header[11] = UInt8(~UInt16(sum) & 0xFF)
    return ethernet(type: 0x0800) + header + data
  }

  /// The Ethernet frames of a UDP `segment` cut into `pieces` IPv4 fragments.
  static func ipv4Fragments(_ segment: [UInt8], identification: Int, pieces: Int = 2) -> [[UInt8]] {
    cuts(segment.count, pieces: pieces).map { range in
      ipv4Frame(
        Array(segment[range]), identification: identification, offset: range.lowerBound,
        moreFragments: range.upperBound < segment.count)
    }
  }

  /// An Ethernet frame around an IPv6 packet whose Fragment header has these fields.
  static func ipv6Frame(
    _ data: [UInt8], identification: UInt32, offset: Int, moreFragments: Bool
  ) -> [UInt8] {
    let fragment: [UInt8] =
      [17, 0] + be16(offset | (moreFragments ? 1 : 0)) + be32(identification)
    let header: [UInt8] =
      [0x60, 0, 0, 0] + be16(8 + data.count) + [44, 64] + ipv6Source + ipv6Destination
    return ethernet(type: 0x86DD) + header + fragment + data
  }

  /// The Ethernet frames of a UDP `segment` cut into `pieces` IPv6 fragments (one piece is an
  /// atomic fragment: offset 0, M clear).
  static func ipv6Fragments(_ segment: [UInt8], identification: UInt32, pieces: Int) -> [[UInt8]] {
    cuts(segment.count, pieces: pieces).map { range in
      ipv6Frame(
        Array(segment[range]), identification: identification, offset: range.lowerBound,
        moreFragments: range.upperBound < segment.count)
    }
  }

  static func ethernet(type: Int) -> [UInt8] {
    [2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1] + be16(type)
  }

  /// A little-endian microsecond pcap of Ethernet `frames`, 100 µs apart from `start` seconds,
  /// or at the times given.
  static func pcap(_ frames: [[UInt8]], start: UInt32 = 1_700_000_000, seconds: [UInt32]? = nil)
    -> Data
  {
    var bytes = le32(0xA1B2_C3D4) + [2, 0, 4, 0] + le32(0) + le32(0) + le32(65_535) + le32(1)
    for (index, frame) in frames.enumerated() {
      let micros = UInt32(index) * 100
      let second = seconds?[index] ?? 0
      bytes += le32(start + second + micros / 1_000_000) + le32(micros % 1_000_000)
      bytes += le32(UInt32(frame.count)) + le32(UInt32(frame.count)) + frame
    }
    return Data(bytes)
  }
}
