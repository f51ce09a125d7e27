import Testing

@testable import RTPCore

/// DatagramReader reads the usual pcap record (little-endian Ethernet, a whole unfragmented IPv4
/// UDP datagram, whole in the mapped window) in place, and every other record through
/// CaptureReader and DatagramDecoder. Both ways must give the same datagrams, counts and errors:
/// the reference here is the general path alone, record by record.
@Suite("pcap records read in place agree with the general path")
struct PlainRecordFastPathTests {
  typealias B = CaptureBytes

  /// The frames of a capture, in turn: plain ones and every kind the fast path must leave to
  /// the general one.
  static func frames(count: Int) -> [[UInt8]] {
    let lies = DatagramDecoderTests.ipv4Lies.map(\.1)
    var frames: [[UInt8]] = []
    for index in 0..<count {
      let rtp = B.rtp(sequence: UInt16(index), payloadBytes: 20 + index % 150)
      let udp = B.udp(sourcePort: 4000, destinationPort: UInt16(5004 + index % 3), payload: rtp)
      switch index % 9 {
      case 0: frames.append(B.ethernet(type: 0x0800, tags: [7], payload: B.ipv4(payload: udp)))
      case 1: frames.append(B.ethernet(type: 0x86DD, payload: B.ipv6(payload: udp)))
      case 2:
        frames.append(B.ethernet(type: 0x0800, payload: lies[index / 9 % lies.count]))
      case 3:
        frames.append(B.ethernet(type: 0x0800, payload: B.ipv4(payload: udp) + [0, 0, 0, 0]))
      default: frames.append(B.ethernet(type: 0x0800, payload: B.ipv4(payload: udp)))
      }
    }
    return frames
  }

  /// A pcap of `frames`, 20 ms apart, the tenth frame cut short by the snaplen and, when
  /// `truncated`, the last record cut in the middle.
  static func capture(
    _ frames: [[UInt8]], bigEndian: Bool, nanoseconds: Bool, truncated: Bool
  ) -> [UInt8] {
    var bytes = B.pcapHeader(bigEndian: bigEndian, nanoseconds: nanoseconds)
    for (index, frame) in frames.enumerated() {
      let fraction = UInt32(index % 50) * (nanoseconds ? 20_000_000 : 20_000)
      if index == 9 {
        let cut = Array(frame[0..<50])
        bytes += B.pcapRecord(
          bigEndian: bigEndian, seconds: UInt32(1_700_000_000 + index / 50), fraction: fraction,
          data: cut, originalLength: UInt32(frame.count))
      } else {
        bytes += B.pcapRecord(
          bigEndian: bigEndian, seconds: UInt32(1_700_000_000 + index / 50), fraction: fraction,
          data: frame)
      }
    }
    if truncated { bytes.removeLast(30) }
    return bytes
  }

  /// The datagrams, records read, skip counts and error of the general path alone.
  static func generalPath(_ bytes: [UInt8]) throws -> (
    datagrams: [ReadDatagram], skipped: [SkipReason: Int], recordsRead: Int,
    error: CaptureError?
  ) {
    try TestInput.withSource(bytes) { source in
      var datagrams: [ReadDatagram] = []
      var skipped: [SkipReason: Int] = [:]
      var records = 0
      do throws(CaptureError) {
        let reader = try CaptureReader(source: source)
        let decoder = DatagramDecoder()
        while let record = try reader.next() {
          records += 1
          switch decoder.decode(record) {
          case .datagram(let datagram): datagrams.append(ReadDatagram(datagram))
          case .skipped(let reason): skipped[reason, default: 0] += 1
          case .held: break
          }
        }
        return (datagrams, skipped, records, nil)
      } catch {
        return (datagrams, skipped, records, error)
      }
    }
  }

  static let variants: [(bigEndian: Bool, nanoseconds: Bool, truncated: Bool)] = [
    (false, false, false), (false, true, false), (true, false, false), (false, false, true),
  ]

  @Test(
    "DatagramReader gives what CaptureReader and DatagramDecoder give, record by record",
    arguments: variants)
  func agreesWithGeneralPath(variant: (bigEndian: Bool, nanoseconds: Bool, truncated: Bool))
    throws
  {
    // About 250 KB: the 16 KB windows of a 4 KB-capacity source end inside many records.
    let bytes = Self.capture(
      Self.frames(count: 2000), bigEndian: variant.bigEndian, nanoseconds: variant.nanoseconds,
      truncated: variant.truncated)
    let general = try Self.generalPath(bytes)
    let read = try TestInput.datagrams(bytes)
    #expect(general.datagrams.count > 1000)
    #expect(read.datagrams == general.datagrams)
    #expect(read.recordsRead == general.recordsRead)
    for reason in SkipReason.allCases {
      #expect(read.skipped[reason] == general.skipped[reason, default: 0], "\(reason)")
    }
    #expect(read.error.map { "\($0)" } == general.error.map { "\($0)" })
    #expect((read.error != nil) == variant.truncated)
  }
}
