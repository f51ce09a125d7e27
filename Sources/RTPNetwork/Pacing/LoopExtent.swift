import RTPBase
import RTPCaptures
import RTPPackets

/// What one pass over a capture covers, measured while it is sent, so that later repetitions
/// (rtpsend's `--loop`) continue it: capture times one period later each time, and each SSRC's
/// sequence numbers and timestamps where the pass left them.
///
/// The period is the span from the first capture time to the last plus the last gap between
/// packets; an SSRC's advance is its sequence span plus one and its timestamp span plus its
/// last timestamp step, so that repetition `k` follows repetition `k - 1` as the next packets
/// of the same stream would.
public struct LoopExtent: Sendable {
  private var firstTime: Int64?
  private var lastTime: Int64 = 0
  private var lastGap: Int64 = 0
  private var streams: [UInt32: Span] = [:]

  private struct Span {
    var firstSequence: UInt16
    var extendedSequence: Int64
    var highestSequence: Int64
    var firstTimestamp: UInt32
    var lastTimestamp: UInt32
    var lastStep: UInt32
  }

  /// An extent that has seen no packet.
  public init() {}

  /// Takes in the next datagram of the first pass, in order.
  public mutating func observe(_ datagram: UDPDatagram) {
    if firstTime == nil {
      firstTime = datagram.timestamp
      lastTime = datagram.timestamp
    } else {
      lastGap = max(0, datagram.timestamp &- lastTime)
      lastTime = max(lastTime, datagram.timestamp)
    }
    let bytes = datagram.payload
    guard bytes.count >= 12, RTPPacketKind(classifying: bytes) == .rtp else { return }
    let sequence = bytes.loadBigEndian(as: UInt16.self, at: 2)
    let timestamp = bytes.loadBigEndian(as: UInt32.self, at: 4)
    let ssrc = bytes.loadBigEndian(as: UInt32.self, at: 8)
    guard var span = streams[ssrc] else {
      streams[ssrc] = Span(
        firstSequence: sequence, extendedSequence: 0, highestSequence: 0,
        firstTimestamp: timestamp, lastTimestamp: timestamp, lastStep: 0)
      return
    }
    let previous = UInt16(truncatingIfNeeded: span.extendedSequence) &+ span.firstSequence
    span.extendedSequence += Int64(Int16(bitPattern: sequence &- previous))
    span.highestSequence = max(span.highestSequence, span.extendedSequence)
    if Int32(bitPattern: timestamp &- span.lastTimestamp) > 0 {
      span.lastStep = timestamp &- span.lastTimestamp
      span.lastTimestamp = timestamp
    }
    streams[ssrc] = span
  }

  /// How far each repetition moves capture times: the first pass's span plus its last gap.
  public var period: Duration { .nanoseconds(periodNanoseconds) }

  /// ``period`` in nanoseconds, as capture times count.
  package var periodNanoseconds: Int64 {
    guard let firstTime else { return 0 }
    return lastTime &- firstTime &+ lastGap
  }

  /// The header shift of repetition `repetition` (0 for the first pass) for packets of `ssrc`.
  public func shift(ssrc: UInt32, repetition: Int) -> RTPHeaderShift {
    guard let span = streams[ssrc], repetition > 0 else { return RTPHeaderShift() }
    let sequenceAdvance = UInt64(span.highestSequence + 1)
    let timestampAdvance = UInt64(span.lastTimestamp &- span.firstTimestamp &+ span.lastStep)
    let times = UInt64(repetition)
    return RTPHeaderShift(
      sequenceOffset: UInt16(truncatingIfNeeded: sequenceAdvance &* times),
      timestampOffset: UInt32(truncatingIfNeeded: timestampAdvance &* times))
  }
}
