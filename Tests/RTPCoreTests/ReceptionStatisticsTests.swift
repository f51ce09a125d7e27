import RTPCore
import Testing

@Suite("Reception statistics (RFC 3550 A.1, A.3, A.8)")
struct ReceptionStatisticsTests {
  /// 20 ms of an 8 kHz stream.
  static let step: Int64 = 20_000_000

  @Test("probation: the first packet is not counted, the second starts the count")
  func probation() {
    var stats = ReceptionStatistics(ssrc: 1, clockRate: 8000, sequence: 100)
    #expect(stats.update(sequence: 100, timestamp: 0, arrival: 0) == .probation)
    #expect(stats.update(sequence: 101, timestamp: 160, arrival: Self.step) == .valid)
    #expect(stats.received == 1)
    #expect(stats.expected == 1)
    // Out of sequence while on probation resets it.
    var other = ReceptionStatistics(ssrc: 2, clockRate: 8000, sequence: 5)
    #expect(other.update(sequence: 5, timestamp: 0, arrival: 0) == .probation)
    #expect(other.update(sequence: 9, timestamp: 0, arrival: 0) == .probation)
    #expect(other.update(sequence: 10, timestamp: 0, arrival: 0) == .valid)
    #expect(other.expected == 1)
  }

  @Test("loss across the sequence wrap, a duplicate, and the interval fraction")
  func lossAndWrap() {
    var stats = ReceptionStatistics(ssrc: 7, clockRate: 8000, sequence: 65530, probation: 0)
    // 65530...65535, 0...9 with 65534, 2 and 3 lost and 5 duplicated: 16 expected.
    var arrival: Int64 = 0
    var timestamp: UInt32 = 0
    var sequences: [UInt16] = Array(65530...65535) + Array(0...9)
    sequences.removeAll { [65534, 2, 3].contains($0) }
    sequences.insert(5, at: sequences.firstIndex(of: 6)!)
    for sequence in sequences {
      let offset = UInt32(sequence &- 65530)
      timestamp = offset * 160
      arrival = Int64(offset) * Self.step
      #expect(stats.update(sequence: sequence, timestamp: timestamp, arrival: arrival) == .valid)
    }
    #expect(stats.extendedHighestSequence == 0x1_0009)
    #expect(stats.expected == 16)
    #expect(stats.received == 14)
    #expect(stats.lost == 2)
    let block = stats.makeReportBlock(now: arrival)
    // A.3: 2 lost of 16 expected in the interval: (2 << 8) / 16 = 32.
    #expect(block.fractionLost == 32)
    #expect(block.cumulativeLost == 2)
    #expect(block.extendedHighestSequence == 0x1_0009)
    // Next interval: 4 packets, none lost, then a duplicate: fraction 0, cumulative 1.
    for sequence: UInt16 in 10...13 {
      let offset = UInt32(sequence) + 6
      _ = stats.update(
        sequence: sequence, timestamp: offset * 160, arrival: Int64(offset) * Self.step)
    }
    _ = stats.update(sequence: 13, timestamp: 19 * 160, arrival: 19 * Self.step + 1_000_000)
    let next = stats.makeReportBlock(now: 0)
    #expect(next.fractionLost == 0)
    #expect(next.cumulativeLost == 1)
  }

  @Test("a very large jump is bad until the next packet confirms it")
  func restart() {
    var stats = ReceptionStatistics(ssrc: 7, clockRate: 8000, sequence: 10, probation: 0)
    _ = stats.update(sequence: 10, timestamp: 0, arrival: 0)
    #expect(stats.update(sequence: 40000, timestamp: 0, arrival: 0) == .bad)
    #expect(stats.update(sequence: 40001, timestamp: 0, arrival: 0) == .valid)
    #expect(stats.baseSequence == 40001)
    #expect(stats.received == 1)
  }

  @Test("jitter per A.8 against a hand computation")
  func jitter() {
    var stats = ReceptionStatistics(ssrc: 7, clockRate: 8000, sequence: 0, probation: 0)
    // Transit differences in timestamp units: 0, then |+8|, |-16|, |+24|, |0|.
    let offsets: [Int64] = [0, 1_000_000, -1_000_000, 2_000_000, 2_000_000]  // ns
    var expected = 0.0
    var previousTransit: Int64?
    for (index, offset) in offsets.enumerated() {
      let arrival = Int64(index) * Self.step + offset
      _ = stats.update(sequence: UInt16(index), timestamp: UInt32(index * 160), arrival: arrival)
      let transit = arrival * 8000 / 1_000_000_000 - Int64(index * 160)
      if let previousTransit {
        expected += (Double(abs(transit - previousTransit)) - expected) / 16
      }
      previousTransit = transit
    }
    // 8, 16, 24, 0 → 0.5, 1.46875, 2.877…, 2.697…: the integer form reports 2.
    #expect(abs(expected - 2.697) < 0.01)
    #expect(stats.jitter == 2)
    let block = stats.makeReportBlock(now: 0)
    #expect(block.jitter == 2)
  }

  @Test("DLSR counts from the sender report's arrival in 1/65536 s")
  func delaySinceSenderReport() {
    var stats = ReceptionStatistics(ssrc: 7, clockRate: 8000, sequence: 0, probation: 0)
    let ntp = NTPTimestamp(seconds: 0x1234_5678, fraction: 0x9ABC_DEF0)
    stats.noteSenderReport(ntp, arrival: 1_000_000_000)
    let block = stats.makeReportBlock(now: 1_500_000_000)
    #expect(block.lastSenderReport == 0x5678_9ABC)
    #expect(block.delaySinceLastSenderReport == 32768)
  }
}
