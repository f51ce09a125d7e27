import RTPBase
import RTPCaptures
import RTPPackets

/// Infers the RTP clock rate of payload types from a capture's own times: the RTP timestamp
/// span of a stream over the capture-time span of the same packets, rounded to the nearest
/// standard rate.
///
/// rtpsend's `--pace rtp` needs the clock of a dynamic payload type (96-127), which only the
/// signalling knows; a capture made in real time carries it implicitly, since its packets were
/// recorded as fast as their timestamps advanced. Each (SSRC, payload type) stream is measured
/// from its first packet to its last (timestamps unwrapped as signed 32-bit steps), and a
/// payload type's estimate is that of its stream with the longest capture span. Memory is
/// bounded: streams beyond ``maximumStreams`` are not measured.
public struct ClockRateEstimator: Sendable {
  /// The rates an estimate is rounded to (Hz): those of RFC 3551 and common audio and video.
  public static let standardRates = [
    8000, 11025, 12000, 16000, 22050, 24000, 32000, 44100, 48000, 90000,
  ]
  /// How far (as a ratio) a measured rate may be from the nearest standard one and still round
  /// to it; beyond, the capture's times do not follow its RTP clock and nothing is inferred.
  public static let tolerance = 1.2
  /// The most streams measured.
  public static let maximumStreams = 65536

  private struct Key: Hashable {
    var ssrc: UInt32
    var payloadType: UInt8
  }

  private struct Span {
    var firstTime: Int64
    var lastTime: Int64
    var lastTimestamp: UInt32
    var elapsedTicks: Int64
    var packets: Int
  }

  private var spans: [Key: Span] = [:]
  /// The payload types of the RTP packets observed.
  public private(set) var payloadTypes: Set<UInt8> = []

  /// An estimator that has seen no packet.
  public init() {}

  /// Takes in the next datagram of the capture, in order; anything but RTP is ignored.
  public mutating func observe(_ datagram: UDPDatagram) {
    let bytes = datagram.payload
    guard bytes.count >= 12, RTPPacketKind(classifying: bytes) == .rtp else { return }
    let payloadType = bytes[1] & 0x7F
    let timestamp = bytes.loadBigEndian(as: UInt32.self, at: 4)
    let key = Key(ssrc: bytes.loadBigEndian(as: UInt32.self, at: 8), payloadType: payloadType)
    payloadTypes.insert(payloadType)
    guard var span = spans[key] else {
      if spans.count < Self.maximumStreams {
        spans[key] = Span(
          firstTime: datagram.timestamp, lastTime: datagram.timestamp, lastTimestamp: timestamp,
          elapsedTicks: 0, packets: 1)
      }
      return
    }
    let step = Int64(Int32(bitPattern: timestamp &- span.lastTimestamp))
    span.elapsedTicks = span.elapsedTicks.addingReportingOverflow(step).partialValue
    span.lastTimestamp = timestamp
    span.lastTime = datagram.timestamp
    span.packets += 1
    spans[key] = span
  }

  /// Observes every datagram `reader` has left; returns the failure that ended it, if any (the
  /// estimate stands on what was read before).
  public mutating func observe(all reader: DatagramReader) -> CaptureError? {
    do throws(CaptureError) {
      while let datagram = try reader.next() { observe(datagram) }
      return nil
    } catch {
      return error
    }
  }

  /// The clock rate of `payloadType` as the capture's times show it, `nil` when they cannot:
  /// fewer than two packets in every stream of it, no capture time or no RTP time between
  /// them, or a rate far from every standard one.
  public func estimate(payloadType: UInt8) -> ClockRateEstimate? {
    var best: (span: Int64, ticks: Int64)? = nil
    for (key, span) in spans where key.payloadType == payloadType && span.packets >= 2 {
      let duration = span.lastTime.subtractingReportingOverflow(span.firstTime)
      guard !duration.overflow, duration.partialValue > 0, span.elapsedTicks > 0 else { continue }
      if best == nil || duration.partialValue > best!.span {
        best = (duration.partialValue, span.elapsedTicks)
      }
    }
    guard let best else { return nil }
    let measured = Double(best.ticks) / (Double(best.span) / 1e9)
    guard let rate = Self.nearestStandardRate(to: measured) else { return nil }
    return ClockRateEstimate(measured: measured, rate: rate)
  }

  /// The standard rate nearest `measured` (by ratio), `nil` when even that one is more than
  /// ``tolerance`` away.
  public static func nearestStandardRate(to measured: Double) -> Int? {
    guard measured.isFinite, measured > 0 else { return nil }
    var nearest = standardRates[0]
    var nearestRatio = Double.infinity
    for rate in standardRates {
      let ratio = max(measured / Double(rate), Double(rate) / measured)
      if ratio < nearestRatio {
        nearest = rate
        nearestRatio = ratio
      }
    }
    return nearestRatio <= tolerance ? nearest : nil
  }
}
