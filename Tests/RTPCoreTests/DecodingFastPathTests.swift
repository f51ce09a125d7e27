import RTPCore
import Testing

@testable import RTPAnalysis
@testable import RTPBase
@testable import RTPCaptures
@testable import RTPPackets

/// The per-packet shortcuts taken for the common case (an untagged Ethernet frame of an
/// unfragmented IPv4 UDP datagram, a bare 12-byte RTP header, a sequence number one past the
/// last) must give exactly what the general code gives.
@Suite("Decoding fast paths agree with the general code")
struct DecodingFastPathTests {
  typealias B = CaptureBytes

  static let payload = B.rtp(sequence: 7)
  static let udp = B.udp(payload: payload)

  /// IPv4 packets the Ethernet shortcut must decode (or refuse) as the IPv4 link type does.
  static let ipv4Packets: [(String, [UInt8])] =
    DatagramDecoderTests.ipv4Lies.map { ($0.0, $0.1) } + [
      ("plain", B.ipv4(payload: udp)),
      ("padding after the datagram", B.ipv4(payload: udp) + [0, 0, 0, 0, 0, 0]),
      ("first fragment", B.ipv4(moreFragments: true, payload: udp)),
      ("later fragment", B.ipv4(fragmentOffset: 8, payload: udp)),
      ("last fragment", B.ipv4(moreFragments: false, fragmentOffset: 16, payload: udp)),
      ("empty UDP payload", B.ipv4(payload: B.udp(payload: []))),
      ("40 bytes of options", B.ipv4(options: [UInt8](repeating: 1, count: 40), payload: udp)),
      ("27 bytes", Array(B.ipv4(payload: udp)[0..<27])),
      ("UDP length 0", B.ipv4(payload: B.udp(payload: payload, lengthField: 0))),
    ]

  @Test("an Ethernet frame decodes as its IPv4 packet does on its own", arguments: ipv4Packets)
  func ethernetMatchesIPv4(name: String, packet: [UInt8]) {
    let alone = TestInput.decode(packet, linkType: .ipv4, timestamp: 42)
    let framed = TestInput.decode(
      B.ethernet(type: 0x0800, payload: packet), linkType: .ethernet, timestamp: 42)
    #expect(framed == alone, "\(name)")
  }

  @Test("the shortcut's datagram has the addresses, ports, time and payload of the packet")
  func shortcutDatagram() {
    let packet = B.ipv4(
      source: 0xC000_0201, destination: 0xC633_6402,
      payload: B.udp(sourcePort: 40000, destinationPort: 5004, payload: Self.payload))
    let decoded = TestInput.decode(
      B.ethernet(type: 0x0800, payload: packet + [0xEE, 0xEE]), linkType: .ethernet,
      timestamp: 7)
    #expect(
      decoded
        == .datagram(
          ReadDatagram(
            timestamp: 7, source: Endpoint("192.0.2.1:40000")!,
            destination: Endpoint("198.51.100.2:5004")!, payload: Self.payload)))
  }

  /// A summary of an ``RTPPayload`` to compare two of them.
  private static func summary(_ payload: RTPPayload) -> String {
    switch payload {
    case .packet(let packet):
      return "packet \(packet.bytes.count) \(packet.headerLength) \(packet.paddingLength)"
    case .invalid(let error): return "invalid \(error)"
    case .notRTP: return "not RTP"
    }
  }

  @Test(
    "sorting a datagram by its first two octets matches full validation",
    arguments: [0, 1, 11, 12, 13, 16, 40])
  func sortingMatchesFullValidation(length: Int) {
    for first in 0...255 {
      for second in [0, 0x00, 0x60, 0x7F, 0x80, 0xBF, 0xC0, 0xC8, 0xDF, 0xE0, 0xFF] {
        var bytes = [UInt8](repeating: 0, count: length)
        if length > 0 { bytes[0] = UInt8(first) }
        if length > 1 { bytes[1] = UInt8(second) }
        // A last octet that padding would read as its own length.
        if length > 2 { bytes[length - 1] = 3 }
        bytes.withUnsafeBytes { view in
          let sorted = Self.summary(RTPPayload(sorting: view))
          let full = Self.summary(RTPPayload(sortingInFull: view))
          #expect(sorted == full, "first \(first), second \(second), \(length) bytes")
        }
      }
    }
  }

  /// What ``SequenceWindow`` must say, from every sequence number seen (extended as the
  /// window extends it).
  private struct ReferenceWindow {
    var seen: Set<Int64> = []
    var highest: Int64 = -1

    mutating func record(_ sequence: UInt16) -> SequenceWindow.Arrival {
      guard highest >= 0 else {
        highest = Int64(sequence)
        seen = [highest]
        return .new
      }
      let difference = Int64(Int16(bitPattern: sequence &- UInt16(truncatingIfNeeded: highest)))
      let extended = highest + difference
      if difference > 0 {
        highest = extended
        seen.insert(extended)
        return .new
      }
      guard -difference < SequenceWindow.span else { return .reordered }
      return seen.insert(extended).inserted ? .reordered : .duplicate
    }
  }

  @Test(
    "the sequence window tells new, duplicate and reordered packets as a set of all would",
    arguments: 0..<8)
  func sequenceWindowMatchesReference(seed: UInt64) {
    var random = SplitMix64(seed: seed)
    var window = SequenceWindow()
    var reference = ReferenceWindow()
    var sequence = UInt16(truncatingIfNeeded: random.next())
    var counts: [SequenceWindow.Arrival: Int] = [:]
    for step in 0..<20_000 {
      // Mostly the next number; sometimes a gap (to 300), a step back (to 300) or a repeat.
      let roll = random.next() % 100
      if roll < 70 {
        sequence &+= 1
      } else if roll < 80 {
        sequence &+= UInt16(random.next() % 300)
      } else if roll < 95 {
        sequence &-= UInt16(random.next() % 300)
      }
      let arrival = window.record(sequence)
      #expect(arrival == reference.record(sequence), "seed \(seed), step \(step)")
      counts[arrival, default: 0] += 1
    }
    // The walk reaches every kind, so the comparison above covers each.
    #expect(counts.count == 3)
  }
}
