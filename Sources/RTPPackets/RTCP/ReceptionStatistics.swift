/// What a receiver keeps about one source to fill a report block (RFC 3550): the sequence
/// number state of appendix A.1 (with probation and wrap), the loss counts of A.3 and the
/// interarrival jitter of A.8, in the source's timestamp units.
public struct ReceptionStatistics: Hashable, Sendable {
  /// A.1's MAX_DROPOUT: a jump forward of fewer packets is a gap, not a restart.
  public static let maximumDropout: UInt16 = 3000
  /// A.1's MAX_MISORDER: a jump back of fewer packets is a late packet.
  public static let maximumMisorder: UInt16 = 100
  /// A.1's MIN_SEQUENTIAL: packets in sequence before a new source is valid.
  public static let minimumSequential = 2

  /// What ``update(sequence:timestamp:arrival:)`` made of a packet.
  public enum Outcome: Hashable, Sendable {
    /// Counted: in sequence, after a permissible gap, late, or duplicated.
    case valid
    /// The source is still on probation; not counted yet.
    case probation
    /// A very large jump: not counted; the next packet in sequence after it restarts the
    /// statistics (A.1's bad_seq).
    case bad
  }

  /// The source reported on.
  public let ssrc: UInt32
  /// Clock rate of the source's RTP timestamps, in Hz.
  public let clockRate: Int
  /// Highest sequence number seen (A.1 max_seq).
  public private(set) var maxSequence: UInt16
  /// Sequence number cycles, shifted left 16 bits (A.1 cycles).
  public private(set) var cycles: UInt32 = 0
  /// The first sequence number counted (A.1 base_seq).
  public private(set) var baseSequence: UInt32
  private var badSequence: UInt32
  /// Packets still needed in sequence before the source is valid.
  public private(set) var probation: Int
  /// Packets counted, duplicates included (A.1 received).
  public private(set) var received: UInt32 = 0
  private var expectedPrior: UInt32 = 0
  private var receivedPrior: UInt32 = 0
  private var transit: Int32 = 0
  private var hasTransit = false
  /// Jitter in 1/16 timestamp units (A.8's integer form).
  private var scaledJitter: UInt32 = 0
  private var lastSenderReport: UInt32 = 0
  private var lastSenderReportArrival: Int64 = 0

  /// Starts statistics for `ssrc` on a first packet with `sequence` (A.1 init_seq), on
  /// probation for ``minimumSequential`` packets unless `probation` says otherwise (0 for a
  /// source already validated, by RTCP for example).
  public init(ssrc: UInt32, clockRate: Int, sequence: UInt16, probation: Int = minimumSequential) {
    precondition(clockRate > 0, "a clock rate is positive")
    self.ssrc = ssrc
    self.clockRate = clockRate
    maxSequence = sequence &- 1
    baseSequence = UInt32(sequence)
    badSequence = UInt32(sequence) &+ 0x1_0000 + 1
    self.probation = probation
    if probation == 0 { restart(at: sequence) }
  }

  /// A.1 init_seq.
  private mutating func restart(at sequence: UInt16) {
    baseSequence = UInt32(sequence)
    maxSequence = sequence
    badSequence = 0x1_0001  // so that seq == bad_seq is false
    cycles = 0
    received = 0
    receivedPrior = 0
    expectedPrior = 0
  }

  /// Counts a packet with `sequence` and RTP `timestamp` that arrived at `arrival`
  /// (nanoseconds on any clock that does not jump): A.1 update_seq, then A.8 for counted
  /// packets.
  @discardableResult
  public mutating func update(sequence: UInt16, timestamp: UInt32, arrival: Int64) -> Outcome {
    let outcome = updateSequence(sequence)
    if outcome == .valid { updateJitter(timestamp: timestamp, arrival: arrival) }
    return outcome
  }

  private mutating func updateSequence(_ sequence: UInt16) -> Outcome {
    let delta = sequence &- maxSequence
    if probation > 0 {
      // Packets must arrive in sequence while on probation.
      if sequence == maxSequence &+ 1 {
        probation -= 1
        maxSequence = sequence
        if probation == 0 {
          restart(at: sequence)
          received += 1
          return .valid
        }
      } else {
        probation = Self.minimumSequential - 1
        maxSequence = sequence
      }
      return .probation
    } else if delta < Self.maximumDropout {
      // In order, with a permissible gap (or a duplicate of the highest).
      if sequence < maxSequence { cycles &+= 0x1_0000 }
      maxSequence = sequence
    } else if delta <= UInt16.max - Self.maximumMisorder {
      // A very large jump.
      if UInt32(sequence) == badSequence {
        // Two sequential packets: the source restarted without telling.
        restart(at: sequence)
      } else {
        badSequence = (UInt32(sequence) + 1) & 0xFFFF
        return .bad
      }
    }
    // Otherwise a duplicate or a packet out of order: counted, max_seq unchanged.
    received += 1
    return .valid
  }

  private mutating func updateJitter(timestamp: UInt32, arrival: Int64) {
    let second: Int64 = 1_000_000_000
    let rate = Int64(clockRate)
    let units = (arrival / second) &* rate &+ (arrival % second) * rate / second
    let arrivalUnits = UInt32(truncatingIfNeeded: units)
    let newTransit = Int32(bitPattern: arrivalUnits &- timestamp)
    defer {
      transit = newTransit
      hasTransit = true
    }
    guard hasTransit else { return }
    let d = newTransit &- transit
    let magnitude = UInt32(truncatingIfNeeded: d < 0 ? -Int64(d) : Int64(d))
    scaledJitter = scaledJitter &+ magnitude &- ((scaledJitter &+ 8) >> 4)
  }

  /// A.3's extended highest sequence number received.
  public var extendedHighestSequence: UInt32 { cycles &+ UInt32(maxSequence) }

  /// Packets expected since the base sequence (A.3).
  public var expected: Int64 {
    probation > 0 ? 0 : Int64(extendedHighestSequence) - Int64(baseSequence) + 1
  }

  /// Expected minus received: negative after duplicates.
  public var lost: Int64 { expected - Int64(received) }

  /// ``lost`` clamped to the signed 24 bits of a report block.
  public var cumulativeLost: Int32 {
    Int32(
      max(
        Int64(RTCPReportBlock.minimumCumulativeLost),
        min(Int64(RTCPReportBlock.maximumCumulativeLost), lost)))
  }

  /// Interarrival jitter in timestamp units (A.8).
  public var jitter: UInt32 { scaledJitter >> 4 }

  /// Remembers a sender report from this source, received at `arrival` (nanoseconds, the
  /// clock of ``makeReportBlock(now:)``), for the LSR and DLSR of the next block.
  public mutating func noteSenderReport(_ ntpTimestamp: NTPTimestamp, arrival: Int64) {
    lastSenderReport = ntpTimestamp.middle32
    lastSenderReportArrival = arrival
  }

  /// The fraction lost since the previous call (A.3's interval), in 1/256, taking the new
  /// snapshot.
  public mutating func takeIntervalFractionLost() -> UInt8 {
    let expectedNow = UInt32(truncatingIfNeeded: expected)
    let expectedInterval = expectedNow &- expectedPrior
    expectedPrior = expectedNow
    let receivedInterval = received &- receivedPrior
    receivedPrior = received
    let lostInterval = Int64(expectedInterval) - Int64(receivedInterval)
    guard expectedInterval != 0, lostInterval > 0 else { return 0 }
    return UInt8(truncatingIfNeeded: (lostInterval << 8) / Int64(expectedInterval))
  }

  /// The report block on this source at `now` (nanoseconds), taking the interval snapshot.
  public mutating func makeReportBlock(now: Int64) -> RTCPReportBlock {
    let fraction = takeIntervalFractionLost()
    var delay: UInt32 = 0
    if lastSenderReport != 0 {
      let elapsed = max(0, now - lastSenderReportArrival)
      delay = UInt32(truncatingIfNeeded: elapsed * 65536 / 1_000_000_000)
    }
    return RTCPReportBlock(
      ssrc: ssrc, fractionLost: fraction, cumulativeLost: cumulativeLost,
      extendedHighestSequence: extendedHighestSequence, jitter: jitter,
      lastSenderReport: lastSenderReport, delaySinceLastSenderReport: delay)
  }
}
