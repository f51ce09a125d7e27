import Foundation
import RTPCore
import SystemPackage
import Testing

@Suite("rtpgen output read back by RTPCore's readers")
struct RTPGenRoundTripTests {
  /// The RTP headers and capture times of every datagram in `file`.
  static func read(_ file: String) throws -> (
    CaptureFormat, [(Int64, Endpoint, Endpoint, RTPHeader)]
  ) {
    let descriptor = try FileDescriptor.open(FilePath(file), .readOnly)
    defer { try? descriptor.close() }
    let reader = try DatagramReader(source: InputSource(fileDescriptor: descriptor))
    var rows: [(Int64, Endpoint, Endpoint, RTPHeader)] = []
    while let datagram = try reader.next() {
      let packet = try RTPPacket(validating: datagram.payload)
      rows.append((datagram.timestamp, datagram.source, datagram.destination, packet.header))
    }
    return (reader.format, rows)
  }

  @Test(
    "Every format round-trips headers, endpoints and times",
    arguments: [
      ("pcap", CaptureFormat.pcap, Int64(1000)), ("pcap-ns", .pcap, 1),
      ("pcapng", .pcapng, 1), ("rtpdump", .rtpdump, 1_000_000),
    ])
  func roundTrip(format: String, expectedFormat: CaptureFormat, resolution: Int64) throws {
    let dir = Shell.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let file = dir.appendingPathComponent("out").path
    let made = Shell.run(
      "rtpgen --count 30 --ptime 10.5 --seed 9 --start 1700000000.123456789 --src 10.1.2.3:7000"
        + " --dst 10.9.8.7:7002 --format \(format) -o \(file)")
    try #require(made.status == 0, "\(made.stderr)")
    let (readFormat, rows) = try Self.read(file)
    #expect(readFormat == expectedFormat)
    try #require(rows.count == 30)
    let start = RTPStreamStart.seeded(9)
    for (index, (time, source, destination, header)) in rows.enumerated() {
      let exact: Int64 = 1_700_000_000_123_456_789 + Int64(index) * 10_500_000
      if format == "rtpdump" {
        // rtpdump keeps µs for the start and whole milliseconds for each packet's offset.
        #expect(abs(time - exact) < 1_000_000)
      } else {
        #expect(time == exact - exact % resolution)
      }
      #expect(source == Endpoint("10.1.2.3:7000"))
      #expect(destination == Endpoint("10.9.8.7:7002"))
      #expect(header.ssrc == start.ssrc)
      #expect(header.sequenceNumber == start.sequenceNumber &+ UInt16(index))
      #expect(header.marker == (index == 0))
      #expect(header.timestamp &- start.timestamp == UInt32(index * 84))
    }
  }
}
