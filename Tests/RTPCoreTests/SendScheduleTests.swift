import RTPCore
import Testing

@testable import RTPCaptures
@testable import RTPNetwork
@testable import RTPPackets

@Suite("Send schedule")
struct SendScheduleTests {
  static func deadlines(
    _ schedule: inout SendSchedule, _ packets: [(time: Int64, pt: UInt8, ts: UInt32, ssrc: UInt32)]
  ) throws -> [Int64] {
    try packets.map { packet in
      let bytes = try RTPHeader(
        payloadType: packet.pt, sequenceNumber: 1, timestamp: packet.ts, ssrc: packet.ssrc
      ).serialized(payload: [0])
      return bytes.withUnsafeBytes { raw in
        schedule.deadline(
          for: UDPDatagram(
            timestamp: packet.time, source: Endpoint("127.0.0.1:1")!,
            destination: Endpoint("127.0.0.1:2")!, payload: raw)
        ).nanoseconds
      }
    }
  }

  @Test("Capture pacing keeps the capture's gaps, scaled by speed, and never goes back")
  func capture() throws {
    var normal = SendSchedule(mode: .capture, start: NetworkInstant(nanoseconds: 1_000))
    let packets: [(Int64, UInt8, UInt32, UInt32)] = [
      (5_000_000_000, 0, 0, 1), (5_020_000_000, 0, 160, 1), (5_015_000_000, 0, 320, 1),
      (5_060_000_000, 0, 480, 1),
    ]
    #expect(try Self.deadlines(&normal, packets) == [1_000, 20_001_000, 20_001_000, 60_001_000])
    var double = SendSchedule(mode: .capture, speed: 2, start: NetworkInstant(nanoseconds: 0))
    #expect(try Self.deadlines(&double, packets).last == 30_000_000)
  }

  @Test("RTP pacing follows each SSRC's timestamps on its clock")
  func rtp() throws {
    var schedule = SendSchedule(mode: .rtp, start: NetworkInstant(nanoseconds: 0))
    let packets: [(Int64, UInt8, UInt32, UInt32)] = [
      (0, 0, 4_294_967_200, 7), (0, 0, 64, 7), (0, 8, 1_000, 9), (0, 0, 224, 7), (0, 8, 1_160, 9),
    ]
    // SSRC 7 wraps its 32-bit timestamp; SSRC 9 starts its own timeline when it first appears.
    #expect(
      try Self.deadlines(&schedule, packets) == [0, 20_000_000, 20_000_000, 40_000_000, 40_000_000])
    var unknown = SendSchedule(
      mode: .rtp, start: NetworkInstant(nanoseconds: 5), clockRate: { _ in nil })
    #expect(try Self.deadlines(&unknown, [(0, 96, 0, 1), (0, 96, 9000, 1)]) == [5, 5])
  }

  @Test("No pacing sends everything at the start")
  func none() throws {
    var schedule = SendSchedule(mode: .none, start: NetworkInstant(nanoseconds: 42))
    #expect(try Self.deadlines(&schedule, [(0, 0, 0, 1), (9_000_000_000, 0, 160, 1)]) == [42, 42])
  }
}
