/// Turns the packets of a capture into send deadlines on a monotonic clock.
///
/// The first packet is due at ``start``; later ones keep their distance from it, measured on the
/// capture clock or on the RTP clock, divided by ``speed``. With `.rtp`, each SSRC keeps its own
/// timeline, started when its first packet is due; a packet that is not RTP, or whose clock rate
/// is unknown, is due with the packet before it.
public struct SendSchedule: Sendable {
  public let mode: PacingMode
  /// 2 plays twice as fast, 0.5 half as fast.
  public let speed: Double
  /// Monotonic nanoseconds at which the first packet is due.
  public let start: Int64
  private let clockRate: @Sendable (UInt8) -> Int?
  private var firstCaptureTime: Int64?
  private var previous: Int64
  private var timelines: [UInt32: Timeline] = [:]

  private struct Timeline {
    var origin: Int64
    var lastTimestamp: UInt32
    var elapsedTicks: Int64
  }

  /// - Parameters:
  ///   - clockRate: The RTP clock rate of a payload type, `nil` when unknown.
  public init(
    mode: PacingMode, speed: Double = 1, start: Int64,
    clockRate: @escaping @Sendable (UInt8) -> Int? = {
      PayloadEncoding.staticClockRate(payloadType: $0)
    }
  ) {
    precondition(speed > 0 && speed.isFinite, "speed must be positive")
    self.mode = mode
    self.speed = speed
    self.start = start
    self.clockRate = clockRate
    previous = start
  }

  /// The deadline of the next packet of the capture, `datagram`, in order.
  public mutating func deadline(for datagram: UDPDatagram) -> Int64 {
    switch mode {
    case .none:
      return start
    case .capture:
      let first = firstCaptureTime ?? datagram.timestamp
      firstCaptureTime = first
      // A capture whose clock steps back keeps the order: never earlier than the last packet.
      let due = start &+ scaled(datagram.timestamp &- first)
      previous = max(previous, due)
      return previous
    case .rtp:
      guard RTPPacketKind(classifying: datagram.payload) == .rtp,
        let packet = try? RTPPacket(validating: datagram.payload),
        let rate = clockRate(packet.payloadType), rate > 0
      else { return previous }
      var timeline =
        timelines[packet.ssrc]
        ?? Timeline(origin: previous, lastTimestamp: packet.timestamp, elapsedTicks: 0)
      // Unwrap the 32-bit timestamp as a signed step from the last one.
      timeline.elapsedTicks += Int64(Int32(bitPattern: packet.timestamp &- timeline.lastTimestamp))
      timeline.lastTimestamp = packet.timestamp
      timelines[packet.ssrc] = timeline
      let nanoseconds = timeline.elapsedTicks.multipliedReportingOverflow(by: 1_000_000_000)
      let due =
        timeline.origin
        &+ scaled(nanoseconds.overflow ? .max / 2 : nanoseconds.partialValue / Int64(rate))
      previous = max(previous, due)
      return previous
    }
  }

  private func scaled(_ nanoseconds: Int64) -> Int64 {
    speed == 1 ? nanoseconds : Int64((Double(nanoseconds) / speed).rounded())
  }
}
