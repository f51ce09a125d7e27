import RTPAudio
import RTPCaptures
import RTPCodecs
import RTPIO
import RTPPackets

/// Writes the payloads of a played-out stream as one run of bytes, filling each erasure with
/// the codec's silence: what `rtpjb --output payload` writes and `sox -t ul` or `rtpulaw` read.
///
/// Only one payload type is written: ``selectedPayloadType`` when given, else the stream's first
/// that is not telephone events (RFC 4733), comfort noise (RFC 3389) or video by
/// ``/RTPCodecs/PayloadTypeMap``. Packets of the others are counted (``eventPackets``,
/// ``comfortNoisePackets``, ``otherPayloadTypePackets``) and leave no bytes.
///
/// For a codec with a known sample size (PCMU, PCMA, L16) the output follows the RTP
/// timestamps: a gap in them, after lost packets or without any (silence suppression, DTX, CN),
/// is filled with the codec's silence, so that the bytes last as long as the stream's RTP span.
/// For other codecs an erasure is filled by
/// ``silence(for:previousPayloadLength:previousPayloadType:ticksPerPacket:encoding:)`` with the
/// length of the packet before it for each packet lost.
///
/// The fill is also bounded by the input's own time: a stream's payload stream never runs more
/// than ``fillSlackSeconds`` ahead of the capture time its packets span, so RTP timestamps that
/// jump far ahead of the capture's clock (a hostile or broken sender) cannot turn a small capture
/// into gigabytes of silence. What that bound leaves out is counted in ``silenceNotFilled``.
public final class PayloadWriter: PlayoutHandler {
  /// The most audio one erasure is filled with: a timestamp jump must not write gigabytes.
  public static let maximumFillSeconds = 60
  /// The clock rate assumed for the cap when the payload type has no static rate: the highest
  /// common audio rate, so that the cap is at least 60 s at any common rate.
  public static let assumedClockRate = 48000
  /// The most packets one erasure of a codec with no known sample size is filled for, when the
  /// packet duration is unknown: 60 s of 10 ms packets.
  public static let maximumFillPackets: Int64 = 6000
  /// How far, in seconds, a stream's payload may run ahead of the capture time it spans (the
  /// first packet's arrival to the latest's), for jitter and a void at the stream's end.
  public static let fillSlackSeconds: Int64 = 1

  /// The encoding that overrides the payload type's, if any.
  public let encoding: PayloadEncoding?
  // Stored state below is exempt from run-time exclusivity checks: only this type's own
  // methods touch it, on one thread (docs/ARCHITECTURE.md, Performance conventions).
  /// Payload bytes written, silence excluded.
  @exclusivity(unchecked) public private(set) var payloadBytes: UInt64 = 0
  /// Silence bytes written for erasures.
  @exclusivity(unchecked) public private(set) var silenceBytes: UInt64 = 0
  /// Silence bytes left out because the stream's RTP time ran ahead of its capture time.
  @exclusivity(unchecked) public private(set) var silenceNotFilled: UInt64 = 0
  /// The payload type written: the one given, or the first audio one the stream carried.
  @exclusivity(unchecked) public private(set) var selectedPayloadType: UInt8?
  /// Telephone-event packets, not written.
  @exclusivity(unchecked) public private(set) var eventPackets = 0
  /// Comfort-noise packets, not written (their time is filled with silence).
  @exclusivity(unchecked) public private(set) var comfortNoisePackets = 0
  /// Packets of any other payload type than the one written, not written.
  @exclusivity(unchecked) public private(set) var otherPayloadTypePackets = 0

  private let sink: OutputSink
  @exclusivity(unchecked) private var previousPayloadLength = 0
  @exclusivity(unchecked) private var previousPayloadType: UInt8 = 0
  @exclusivity(unchecked) private var previousSequence: Int64 = .min
  @exclusivity(unchecked) private var previousTimestamp: UInt32 = 0
  @exclusivity(unchecked) private var ticksPerPacket: Int64 = 0
  /// The erasure reported just before the packet after the void, filled once that packet's
  /// arrival is known.
  @exclusivity(unchecked) private var pendingErasure: JitterBufferErasure?
  /// The stream's first arrival (`nil` before its first packet) and its latest, nanoseconds.
  @exclusivity(unchecked) private var firstArrival: Int64?
  @exclusivity(unchecked) private var latestArrival: Int64 = 0
  /// RTP ticks the stream's output lasts so far: payload and fill.
  @exclusivity(unchecked) private var writtenTicks: Int64 = 0

  private let payloadTypes: PayloadTypeMap

  /// Creates a writer appending to `sink`; `encoding` overrides the one the payload type implies
  /// when choosing the silence for gaps; `payloadType` is the one written (by default the
  /// stream's first audio type); `payloadTypes` says which types are events and comfort noise.
  public init(
    sink: OutputSink, encoding: PayloadEncoding? = nil, payloadType: UInt8? = nil,
    payloadTypes: PayloadTypeMap = PayloadTypeMap()
  ) {
    self.sink = sink
    self.encoding = encoding
    self.selectedPayloadType = payloadType
    self.payloadTypes = payloadTypes
  }

  /// Whether a packet of `payloadType` is written, counting it when it is not.
  private func admits(_ payloadType: UInt8) -> Bool {
    if payloadType == selectedPayloadType { return true }
    let role = payloadTypes.format(for: payloadType).flatMap { CodecRegistry.role(of: $0) }
    switch role {
    case .telephoneEvent:
      eventPackets += 1
      return false
    case .comfortNoise:
      comfortNoisePackets += 1
      return false
    case .video, .audio, nil:
      if selectedPayloadType == nil && role != .video {
        selectedPayloadType = payloadType
        return true
      }
      otherPayloadTypePackets += 1
      return false
    }
  }

  /// The silence one erasure stands for: which byte and how many of them.
  ///
  /// - For a codec with a known sample size (PCMU, PCMA, L16, by `encoding` or else by
  ///   `previousPayloadType`): the void lasts `timestampSpan` minus the samples of the packet
  ///   before it, in samples of that size, filled with the codec's silence byte (0xFF, 0xD5,
  ///   0x00), at most ``maximumFillSeconds`` at the payload type's clock rate
  ///   (``assumedClockRate`` for dynamic types).
  /// - For others: zero bytes, the length of the packet before the void for each missing packet,
  ///   for at most ``maximumFillSeconds`` when `ticksPerPacket` (the RTP time one packet lasts)
  ///   is known, else at most ``maximumFillPackets`` packets.
  public static func silence(
    for erasure: JitterBufferErasure, previousPayloadLength: Int, previousPayloadType: UInt8,
    ticksPerPacket: Int64, encoding: PayloadEncoding?
  ) -> (byte: UInt8, count: Int) {
    let clockRate = Int64(
      RTPPayloadTypeRegistry.clockRate(previousPayloadType) ?? assumedClockRate)
    if let codec = encoding ?? PayloadEncoding(staticPayloadType: previousPayloadType) {
      let size = codec.bytesPerSample
      let samples = erasure.timestampSpan - Int64(previousPayloadLength / size)
      let capped = min(max(samples, 0), Int64(maximumFillSeconds) * clockRate)
      return (codec.silenceByte, Int(capped) * size)
    }
    var packets = erasure.packetCount
    if ticksPerPacket > 0 {
      packets = min(packets, Int64(maximumFillSeconds) * clockRate / ticksPerPacket)
    } else {
      packets = min(packets, maximumFillPackets)
    }
    return (0, Int(max(packets, 0)) * previousPayloadLength)
  }

  func handle(_ event: JitterBufferEvent, source: Endpoint, destination: Endpoint)
    throws(IOError)
  {
    switch event {
    case .ready(let ready):
      let packet = ready.packet
      guard admits(packet.payloadType) else { return }
      let payload = packet.payload
      if firstArrival == nil {
        firstArrival = ready.arrival
        latestArrival = ready.arrival
      }
      latestArrival = max(latestArrival, ready.arrival)
      let timestamp = packet.timestamp
      if let codec = sampleCodec, previousSequence != .min {
        // The RTP time since the packet before, less what that packet lasted: lost packets,
        // or a pause the sender did not send.
        let span = Int64(Int32(bitPattern: timestamp &- previousTimestamp))
        let missing = span - Int64(previousPayloadLength / codec.bytesPerSample)
        if missing > 0 {
          try fill(
            JitterBufferErasure(
              firstSequence: previousSequence + 1, lastSequence: ready.extendedSequence - 1,
              timestampSpan: span))
        }
        pendingErasure = nil
      } else if let erasure = pendingErasure {
        pendingErasure = nil
        try fill(erasure)
      }
      try sink.write(payload)
      payloadBytes += UInt64(payload.count)
      if ready.extendedSequence == previousSequence + 1 {
        let ticks = Int64(Int32(bitPattern: timestamp &- previousTimestamp))
        if ticks > 0 { ticksPerPacket = ticks }
      }
      previousSequence = ready.extendedSequence
      previousTimestamp = timestamp
      previousPayloadLength = payload.count
      previousPayloadType = packet.payloadType
      writtenTicks += ticks(ofPayload: payload.count)
    case .erasure(let erasure):
      pendingErasure = erasure
    case .streamStarted:
      previousSequence = .min
      ticksPerPacket = 0
      pendingErasure = nil
      firstArrival = nil
      writtenTicks = 0
    case .dropped:
      break
    }
  }

  /// The sample codec the stream's silence is made of, if its sample size is known.
  private var sampleCodec: PayloadEncoding? {
    encoding ?? PayloadEncoding(staticPayloadType: previousPayloadType)
  }

  /// The RTP ticks a payload of `length` bytes lasts: its samples for a sample codec, else a
  /// packet's worth of the stream's timestamp step (0 while that is unknown).
  private func ticks(ofPayload length: Int) -> Int64 {
    if let codec = sampleCodec { return Int64(length / codec.bytesPerSample) }
    return ticksPerPacket
  }

  /// Writes an erasure's silence, as much of it as the capture time spanned so far allows.
  private func fill(_ erasure: JitterBufferErasure) throws(IOError) {
    var fill = Self.silence(
      for: erasure, previousPayloadLength: previousPayloadLength,
      previousPayloadType: previousPayloadType, ticksPerPacket: ticksPerPacket,
      encoding: encoding)
    let clockRate = Int64(
      RTPPayloadTypeRegistry.clockRate(previousPayloadType) ?? Self.assumedClockRate)
    let elapsed = max(latestArrival &- (firstArrival ?? latestArrival), 0)
    let budget =
      elapsed / 1_000_000_000 * clockRate + elapsed % 1_000_000_000 * clockRate / 1_000_000_000
      + Self.fillSlackSeconds * clockRate - writtenTicks
    let fillTicks: Int64
    let ticksPerByte: (ticks: Int64, bytes: Int64)
    if let codec = sampleCodec {
      ticksPerByte = (1, Int64(codec.bytesPerSample))
    } else if ticksPerPacket > 0 && previousPayloadLength > 0 {
      ticksPerByte = (ticksPerPacket, Int64(previousPayloadLength))
    } else {
      ticksPerByte = (0, 1)
    }
    fillTicks = Int64(fill.count) / ticksPerByte.bytes * ticksPerByte.ticks
    if ticksPerByte.ticks > 0, fillTicks > budget {
      let allowedUnits = max(budget, 0) / ticksPerByte.ticks
      let allowed = Int(allowedUnits * ticksPerByte.bytes)
      silenceNotFilled += UInt64(fill.count - allowed)
      fill.count = allowed
    }
    writtenTicks += Int64(fill.count) / ticksPerByte.bytes * ticksPerByte.ticks
    try writeRepeated(fill.byte, count: fill.count)
  }

  private func writeRepeated(_ byte: UInt8, count: Int) throws(IOError) {
    var remaining = count
    while remaining > 0 {
      let step = min(remaining, 1 << 16)
      let space = try sink.reserve(step)
      space.baseAddress!.initializeMemory(as: UInt8.self, repeating: byte, count: step)
      sink.commit(step)
      remaining -= step
    }
    silenceBytes += UInt64(count)
  }

  /// Writes everything buffered.
  public func finish() throws(IOError) {
    try sink.flush()
  }

  var notWritten: Int { 0 }
}
