import RTPCore
import Testing

@testable import RTPCaptures
@testable import RTPNetwork
@testable import RTPPackets

/// The send schedule at the edges of time (saturation, --max-gap) and the clock-rate estimate
/// from a capture's own times.
@Suite("Pacing limits and clock-rate inference")
struct PacingLimitsTests {
  typealias Packet = (time: Int64, pt: UInt8, ts: UInt32, ssrc: UInt32)

  static func observe(_ estimator: inout ClockRateEstimator, _ packets: [Packet]) throws {
    for packet in packets {
      let bytes = try RTPHeader(
        payloadType: packet.pt, sequenceNumber: 1, timestamp: packet.ts, ssrc: packet.ssrc
      ).serialized(payload: [0])
      bytes.withUnsafeBytes { raw in
        estimator.observe(
          UDPDatagram(
            timestamp: packet.time, source: Endpoint("127.0.0.1:1")!,
            destination: Endpoint("127.0.0.1:2")!, payload: raw))
      }
    }
  }

  @Test("Deadlines past Int64 nanoseconds saturate at the distant future instead of trapping")
  func saturation() throws {
    var slow = SendSchedule(mode: .capture, speed: 1e-12, start: NetworkInstant(nanoseconds: 1_000))
    let packets: [Packet] = [(0, 0, 0, 1), (20_000_000, 0, 160, 1)]
    #expect(try SendScheduleTests.deadlines(&slow, packets) == [1_000, .max])
    var extreme = SendSchedule(mode: .capture, start: NetworkInstant(nanoseconds: 0))
    #expect(
      try SendScheduleTests.deadlines(&extreme, [(.min, 0, 0, 1), (.max, 0, 160, 1)]) == [0, .max])
    var rtp = SendSchedule(mode: .rtp, speed: 1e-12, start: NetworkInstant(nanoseconds: 0))
    #expect(
      try SendScheduleTests.deadlines(&rtp, [(0, 0, 0, 1), (0, 0, 2_000_000_000, 1)]) == [0, .max])
  }

  @Test("--max-gap cuts a long gap to itself and moves every later deadline by the cut")
  func maxGap() throws {
    var schedule = SendSchedule(
      mode: .capture, start: NetworkInstant(nanoseconds: 0), maxGap: .seconds(1))
    let packets: [Packet] = [
      (0, 0, 0, 1), (20_000_000, 0, 160, 1), (3_600_020_000_000, 0, 320, 1),
      (3_600_040_000_000, 0, 480, 1),
    ]
    #expect(
      try SendScheduleTests.deadlines(&schedule, packets) == [
        0, 20_000_000, 1_020_000_000, 1_040_000_000,
      ])
    var rtp = SendSchedule(
      mode: .rtp, start: NetworkInstant(nanoseconds: 0), maxGap: .milliseconds(100))
    // A new SSRC after the cut starts where the cut timeline is.
    #expect(
      try SendScheduleTests.deadlines(
        &rtp, [(0, 0, 0, 1), (0, 0, 80_000, 1), (0, 0, 5, 2), (0, 0, 80_160, 1)]) == [
          0, 100_000_000, 100_000_000, 120_000_000,
        ])
  }

  @Test(
    "The clock rate of a dynamic type is its timestamp span over its capture span, rounded",
    arguments: [(16_000, 16_000), (48_000, 48_000), (44_100, 44_100), (8_100, 8_000)])
  func estimate(ticksPerSecond: Int, expected: Int) throws {
    var estimator = ClockRateEstimator()
    let step = UInt32(ticksPerSecond / 50)
    let packets: [Packet] = (0..<50).map { index in
      (Int64(index) * 20_000_000, 96, 4_294_967_000 &+ UInt32(index) &* step, 5)
    }
    try Self.observe(&estimator, packets)
    #expect(estimator.payloadTypes == [96])
    #expect(estimator.estimate(payloadType: 96)?.rate == expected)
  }

  @Test("No estimate from one packet, no capture time, or a rate far from every standard one")
  func noEstimate() throws {
    var one = ClockRateEstimator()
    try Self.observe(&one, [(0, 96, 0, 1)])
    #expect(one.estimate(payloadType: 96) == nil)
    var still = ClockRateEstimator()
    try Self.observe(&still, [(5, 96, 0, 1), (5, 96, 320, 1)])
    #expect(still.estimate(payloadType: 96) == nil)
    var slow = ClockRateEstimator()
    try Self.observe(&slow, [(0, 96, 0, 1), (1_000_000_000, 96, 1000, 1)])
    #expect(slow.estimate(payloadType: 96) == nil)
    #expect(ClockRateEstimator.nearestStandardRate(to: 90_500) == 90_000)
    #expect(ClockRateEstimator.nearestStandardRate(to: .nan) == nil)
  }
}
