import RTPCaptures
import RTPPackets

/// One RTP stream's statistics as `tshark -z rtp,streams` computes them (Wireshark's RTP
/// analysis), plus duplicate and reordered counts.
///
/// Times are capture times relative to an origin (the first packet of the capture). A packet is
/// "regular" when it has no marker, is not comfort noise and does not follow comfort noise (as
/// in tshark 4.0, a packet whose timestamp goes back is regular too): only regular packets feed
/// the minimum, mean and maximum of delta and jitter. Every packet, a late one included, is the
/// reference for the next one's delta and jitter.
public struct RTPStreamStatistics: Sendable {
  /// The stream's SSRC and endpoints.
  public let key: RTPStreamKey
  /// Packets seen, duplicates included.
  public private(set) var packets = 0
  /// Nanoseconds from the origin to the first packet.
  public private(set) var start: Int64
  /// Nanoseconds from the origin to the last packet.
  public private(set) var end: Int64
  /// Packets whose sequence number had already arrived (within the last 256).
  public private(set) var duplicates = 0
  /// Packets that arrived after one with a higher sequence number, duplicates excluded.
  public private(set) var reordered = 0
  /// Sequence errors as Wireshark counts them (a gap, a late or duplicated packet).
  public private(set) var sequenceErrors = 0
  /// Whether Wireshark would flag the stream: a sequence error or a timestamp going back.
  public private(set) var problems = false
  /// The clock rate of the last packet's payload type; 0 when unknown.
  public private(set) var clockRate = 0
  /// Samples for a plot, at most the analyzer's limit (thinned evenly when more arrive).
  public private(set) var samples: [RTPStreamSample] = []
  /// Whether the flow has passed RFC 3550 appendix A.1's probation: a packet has followed the
  /// one before it in sequence. A lone datagram that happens to parse as RTP never does.
  public private(set) var isConfirmed = false

  private var payloadTypeBits: (low: UInt64, high: UInt64) = (0, 0)
  private var startSequence: UInt16
  private var stopSequence: UInt16
  private var lastSequence: UInt16
  private var sequenceCycles: Int64 = 0
  private var underStart = false
  private var payloadType: UInt8
  private var lastTimestamp: Int64
  private var orderTimestamp: Int64
  private var orderTimeMs: Double
  private var orderTime: Int64
  private var deltaMs: Double = 0
  private var jitterMs: Double = 0
  private var minDelta: Int64?
  private var maxDelta: Int64 = 0
  private var meanDelta: Double = 0
  private var minJitter: Double = -1
  private var maxJitter: Double = 0
  private var meanJitter: Double = 0
  private var window = SequenceWindow()
  private var sampleStride = 1
  /// `Double(rate) / 1000` for the clock rate of the last packet that had one, worked out once
  /// per rate rather than per packet (a division on every packet's critical path).
  private var ticksPerMillisecondRate = 0
  private var ticksPerMillisecond = 0.0
  private var sampleSkip = 0

  /// Starts a stream at its first packet.
  init(key: RTPStreamKey, packet: RTPPacket, time: Int64, clockRate: Int?, sampleLimit: Int) {
    self.key = key
    start = time
    end = time
    startSequence = packet.sequenceNumber
    stopSequence = packet.sequenceNumber
    lastSequence = packet.sequenceNumber
    payloadType = packet.payloadType
    lastTimestamp = Int64(packet.timestamp)
    orderTimestamp = lastTimestamp
    orderTime = time
    orderTimeMs = Self.milliseconds(time)
    packets = 1
    self.clockRate = clockRate ?? 0
    markPayloadType(packet.payloadType)
    _ = window.record(packet.sequenceNumber)
    addSample(time: time, sampleLimit: sampleLimit)
  }

  /// A stream of no packets, standing in for one held elsewhere (``RTPStreamAnalyzer`` keeps
  /// the last packet's stream out of its array).
  init(placeholderFor key: RTPStreamKey) {
    self.key = key
    start = 0
    end = 0
    startSequence = 0
    stopSequence = 0
    lastSequence = 0
    payloadType = 0
    lastTimestamp = 0
    orderTimestamp = 0
    orderTime = 0
    orderTimeMs = 0
    packets = 0
  }

  /// Wireshark's time in ms: seconds × 1000 plus nanoseconds / 10^6, in doubles.
  private static func milliseconds(_ time: Int64) -> Double {
    let second: Int64 = 1_000_000_000
    var whole = time / second
    var rest = time % second
    if rest < 0 {
      whole -= 1
      rest += second
    }
    return Double(whole) * 1000 + Double(rest) / 1_000_000
  }

  @inline(__always)
  private mutating func markPayloadType(_ type: UInt8) {
    if type < 64 {
      payloadTypeBits.low |= 1 << UInt64(type)
    } else {
      payloadTypeBits.high |= 1 << UInt64(type - 64)
    }
  }

  /// Counts a packet after the first, at `time` (relative to the origin).
  @inline(__always)
  mutating func count(_ packet: RTPPacket, time: Int64, clockRate rate: Int?, sampleLimit: Int) {
    let sequence = packet.sequenceNumber
    if sequence == stopSequence &+ 1 { isConfirmed = true }
    let type = packet.payloadType
    markPayloadType(type)
    switch window.record(sequence) {
    case .new: break
    case .duplicate: duplicates += 1
    case .reordered: reordered += 1
    }

    let currentMs = Self.milliseconds(time)
    // The RTP timestamp extended by its signed 32-bit step from the last one. Wrapping
    // arithmetic: the extended value is a hostile input's to grow (2^31 a packet), and
    // orderTimestamp is always lastTimestamp, so every difference below is the exact step.
    let timestamp =
      lastTimestamp
      &+ Int64(Int32(bitPattern: packet.timestamp &- UInt32(truncatingIfNeeded: lastTimestamp)))
    let inTimeOrder = timestamp &- orderTimestamp >= 0
    var wrongSequence = false

    // Sequence cycles, as Wireshark counts them for "expected".
    if inTimeOrder && !underStart
      && (sequence < startSequence || (sequence == 0 && stopSequence == 65535))
    {
      sequenceCycles += 1
      underStart = true
    } else if inTimeOrder && underStart && sequence > startSequence {
      underStart = false
    }
    let next = Int(lastSequence) + 1
    if inTimeOrder && (next == Int(sequence) || (lastSequence == 65535 && sequence == 0)) {
      lastSequence = sequence
    } else if inTimeOrder && (next < Int(sequence) || Int(lastSequence) - Int(sequence) > 0xFF00) {
      lastSequence = sequence
      wrongSequence = true
    } else if next > Int(sequence) {
      wrongSequence = true
    }
    if wrongSequence { sequenceErrors += 1 }

    let comfortNoise = type == 13 || type == 19
    let followsComfortNoise = payloadType == 13 || payloadType == 19
    payloadType = type
    clockRate = rate ?? 0

    var currentJitter = 0.0
    if let rate, rate > 0 {
      if rate != ticksPerMillisecondRate {
        ticksPerMillisecondRate = rate
        ticksPerMillisecond = Double(rate) / 1000
      }
      let nominalMs = Double(timestamp &- orderTimestamp) / ticksPerMillisecond
      let difference = abs(currentMs - (orderTimeMs + nominalMs))
      currentJitter = (15 * jitterMs + difference) / 16
      jitterMs = currentJitter
    }
    deltaMs = currentMs - orderTimeMs
    // Times relative to one origin, each from two CaptureTimes: their difference is the span
    // between two capture times, which fits Int64.
    let delta = time - orderTime

    if !packet.marker && !comfortNoise && !followsComfortNoise {
      maxDelta = max(maxDelta, delta)
      minDelta = min(minDelta ?? delta, delta)
      let count = Double(packets)
      meanDelta = (meanDelta * (count - 1) + deltaMs) / count
      if clockRate > 0 {
        maxJitter = max(maxJitter, jitterMs)
        meanJitter = (meanJitter * (count - 1) + currentJitter) / count
        minJitter = minJitter == -1 ? jitterMs : min(minJitter, jitterMs)
      }
    }
    // Wireshark 4.0 takes every packet as the reference for the next, late ones included.
    orderTimeMs = currentMs
    orderTime = time
    orderTimestamp = timestamp
    lastTimestamp = timestamp
    stopSequence = sequence
    packets += 1
    end = time
    if wrongSequence || !inTimeOrder { problems = true }
    addSample(time: time, sampleLimit: sampleLimit)
  }

  @inline(__always)
  private mutating func addSample(time: Int64, sampleLimit: Int) {
    guard sampleLimit > 0 else { return }
    if sampleSkip > 0 {
      sampleSkip -= 1
      return
    }
    keepSample(time: time, sampleLimit: sampleLimit)
  }

  /// Keeps a point for the plot, thinning the points kept when there are `sampleLimit`.
  @inline(never)
  private mutating func keepSample(time: Int64, sampleLimit: Int) {
    samples.append(
      RTPStreamSample(
        time: Double(time) / 1e9, deltaMs: deltaMs, jitterMs: clockRate > 0 ? jitterMs : -1))
    sampleSkip = sampleStride - 1
    if samples.count >= sampleLimit {
      // Keep every other point and take half as many from now on.
      samples = samples.enumerated().filter { $0.offset % 2 == 0 }.map(\.element)
      sampleStride *= 2
      sampleSkip = sampleStride - 1
    }
  }

  /// The payload types seen, in increasing order.
  public var payloadTypes: [UInt8] {
    (0..<128).compactMap { (type: UInt8) -> UInt8? in
      let bit: UInt64 =
        type < 64 ? payloadTypeBits.low >> UInt64(type) : payloadTypeBits.high >> UInt64(type - 64)
      return bit & 1 != 0 ? type : nil
    }
  }

  /// The payload types as tshark names them, joined with ", ".
  public var payloadTypeName: String {
    guard !signalledNames.isEmpty else {
      return RTPPayloadTypeRegistry.wiresharkNames(payloadTypes)
    }
    // A type without a static assignment is named as the signalling names it, as tshark does.
    return payloadTypes.map { type in
      if type >= 35, let name = signalledNames[type] { return name }
      return RTPPayloadTypeRegistry.wiresharkName(type)
    }.joined(separator: ", ")
  }

  /// The names the capture's signalling gives the payload types of RTP sent to this stream's
  /// destination.
  public internal(set) var signalledNames: [UInt8: String] = [:]

  /// Packets expected from the first sequence number to the last, with Wireshark's count of
  /// cycles.
  public var expected: Int64 {
    Int64(stopSequence) + sequenceCycles * 65536 - Int64(startSequence) + 1
  }

  /// Expected minus received: negative with duplicates, as tshark prints it.
  public var lost: Int64 { expected - Int64(packets) }

  /// ``lost`` as a percentage of ``expected`` (0 when nothing was expected).
  public var lostPercent: Double {
    expected == 0 ? 0 : Double(lost) * 100 / Double(expected)
  }

  /// The smallest delta between regular packets, ms; -1 when there was none.
  public var minDeltaMs: Double { minDelta.map { Double($0) / 1e6 } ?? -1 }
  /// Wireshark's running mean of the deltas, ms.
  public var meanDeltaMs: Double { meanDelta }
  /// The largest delta between regular packets, ms.
  public var maxDeltaMs: Double { Double(maxDelta) / 1e6 }
  /// The smallest jitter after a regular packet, ms; -1 when it was never computed.
  public var minJitterMs: Double { minJitter }
  /// Wireshark's running mean of the jitter, ms; 0 when never computed.
  public var meanJitterMs: Double { meanJitter }
  /// The largest jitter after a regular packet, ms; 0 when never computed.
  public var maxJitterMs: Double { maxJitter }
}
