import RTPCaptures
import RTPPackets

/// Turns the packets of a capture into send deadlines on a monotonic clock.
///
/// The first packet is due at ``start``; later ones keep their distance from it, measured on the
/// capture clock or on the RTP clock, divided by ``speed``. With `.rtp`, each SSRC keeps its own
/// timeline, started when its first packet is due; a packet that is not RTP, or whose clock rate
/// is unknown, is due with the packet before it. A gap between deadlines longer than ``maxGap``
/// is cut to it, and every later deadline moves earlier by the cut. The arithmetic saturates:
/// a deadline past the network clock's range is ``NetworkInstant/distantFuture`` (never), not a
/// trap.
public struct SendSchedule: Sendable {
  /// What times the datagrams leave at.
  public let mode: PacingMode
  /// 2 plays twice as fast, 0.5 half as fast.
  public let speed: Double
  /// When the first packet is due.
  public var start: NetworkInstant { NetworkInstant(nanoseconds: startNanoseconds) }
  /// The longest gap between two deadlines; `nil` keeps every gap.
  public var maxGap: Duration? { maxGapNanoseconds.map { .nanoseconds($0) } }
  // The schedule counts in nanoseconds, as capture times do: one conversion at the edges.
  private let startNanoseconds: Int64
  private let maxGapNanoseconds: Int64?
  private let clockRate: @Sendable (UInt8) -> Int?
  private var firstCaptureTime: Int64?
  private var previous: Int64
  /// How much earlier than the input's timing deadlines are, from the gaps ``maxGap`` cut.
  private var cut: Int64 = 0
  private var timelines: [UInt32: Timeline] = [:]

  private struct Timeline {
    var origin: Int64
    var lastTimestamp: UInt32
    var elapsedTicks: Int64
  }

  /// A schedule that starts at `start`.
  ///
  /// - Parameters:
  ///   - mode: What times the datagrams leave at: their capture times, their RTP times, or now.
  ///   - speed: How much faster than real time (2) or slower (0.5) the times run.
  ///   - start: The deadline of the first datagram.
  ///   - maxGap: The longest gap between two deadlines (positive; a negative one counts as 0,
  ///     and it is truncated to the nanosecond); `nil` for no limit.
  ///   - clockRate: The RTP clock rate of a payload type, `nil` when unknown.
  ///
  /// - Precondition: `speed` is positive and finite (rtpsend validates `--speed`).
  public init(
    mode: PacingMode, speed: Double = 1, start: NetworkInstant, maxGap: Duration? = nil,
    clockRate: @escaping @Sendable (UInt8) -> Int? = {
      RTPPayloadTypeRegistry.clockRate($0)
    }
  ) {
    precondition(speed > 0 && speed.isFinite, "speed must be positive")
    self.mode = mode
    self.speed = speed
    startNanoseconds = start.nanoseconds
    maxGapNanoseconds = maxGap.map { max($0.saturatingNanoseconds, 0) }
    self.clockRate = clockRate
    previous = start.nanoseconds
  }

  /// The deadline of the next packet of the capture, `datagram`, in order.
  public mutating func deadline(for datagram: UDPDatagram) -> NetworkInstant {
    NetworkInstant(nanoseconds: nanosecondDeadline(for: datagram))
  }

  private mutating func nanosecondDeadline(for datagram: UDPDatagram) -> Int64 {
    switch mode {
    case .none:
      return startNanoseconds
    case .capture:
      let first = firstCaptureTime ?? datagram.timestamp
      firstCaptureTime = first
      let elapsed = PacingArithmetic.subtract(datagram.timestamp, first)
      return due(PacingArithmetic.add(startNanoseconds, scaled(elapsed)))
    case .rtp:
      guard RTPPacketKind(classifying: datagram.payload) == .rtp,
        let packet = try? RTPPacket(validating: datagram.payload),
        let rate = clockRate(packet.payloadType), rate > 0
      else { return previous }
      var timeline =
        timelines[packet.ssrc]
        ?? Timeline(
          origin: PacingArithmetic.add(previous, cut), lastTimestamp: packet.timestamp,
          elapsedTicks: 0)
      // Unwrap the 32-bit timestamp as a signed step from the last one.
      timeline.elapsedTicks = PacingArithmetic.add(
        timeline.elapsedTicks, Int64(Int32(bitPattern: packet.timestamp &- timeline.lastTimestamp)))
      timeline.lastTimestamp = packet.timestamp
      timelines[packet.ssrc] = timeline
      let elapsed = PacingArithmetic.nanoseconds(ticks: timeline.elapsedTicks, rate: rate)
      return due(PacingArithmetic.add(timeline.origin, scaled(elapsed)))
    }
  }

  /// The deadline of a packet the input's timing puts at `uncut`: less the gaps cut so far,
  /// never earlier than the packet before (a clock that steps back keeps the order), and at
  /// most ``maxGap`` after it.
  private mutating func due(_ uncut: Int64) -> Int64 {
    var due = max(previous, PacingArithmetic.subtract(uncut, cut))
    if let maxGap = maxGapNanoseconds {
      let gap = PacingArithmetic.subtract(due, previous)
      if gap > maxGap {
        cut = PacingArithmetic.add(cut, gap - maxGap)
        due = previous + maxGap
      }
    }
    previous = due
    return due
  }

  private func scaled(_ nanoseconds: Int64) -> Int64 {
    PacingArithmetic.scale(nanoseconds, speed: speed)
  }
}
