import RTPBase
import RTPCaptures
import RTPCodecs
import RTPIO
import RTPPackets

/// Decodes a played-out stream to audio on the stream's RTP timeline: what `rtpdec` runs.
///
/// Each packet is decoded by its payload type's codec (``/RTPCodecs/PayloadTypeMap``), and
/// placed where its RTP timestamp says:
/// - a gap in the timestamps after lost packets is concealed (``ConcealmentMode``);
/// - a gap without loss (DTX, VAD, silence suppression) is filled with the codec's own comfort
///   noise after its silence descriptor (G.729 Annex B, AMR), with comfort noise at the level
///   of a CN packet that announced it, or else with silence;
/// - telephone events (RFC 4733) are collected (``events``), never decoded as audio;
/// - a jump longer than ``maximumGap`` (or backwards beyond it) is a discontinuity: counted and
///   not filled, so that hostile timestamps cannot make gigabytes of silence; and no gap is filled
///   beyond the capture time the stream has spanned plus ``fillSlack``.
///
/// The decoded length of a stream without discontinuities is its RTP-time span.
public final class AudioDecodingWriter: PlayoutHandler {
  /// How far the output may run ahead of the capture time the stream spans, for jitter and a
  /// void at the end.
  public static let fillSlack = Duration.seconds(1)
  /// The default ``maximumGap``.
  public static let defaultMaximumGap = Duration.seconds(30)

  /// What each payload type means.
  public let payloadTypes: PayloadTypeMap
  /// What fills losses.
  public let concealment: ConcealmentMode
  /// The longest timestamp gap that is filled.
  public let maximumGap: Duration
  // Stored state below is exempt from run-time exclusivity checks: only this type's own
  // methods touch it, on one thread (docs/ARCHITECTURE.md, Performance conventions).
  /// What was decoded and filled so far.
  @exclusivity(unchecked) public private(set) var statistics = DecodingStatistics()
  /// The events seen so far.
  @exclusivity(unchecked) public private(set) var events = TelephoneEventTracker()
  /// The decoded audio's rate and channels, once the first audio packet set them.
  @exclusivity(unchecked) public private(set) var audioFormat: (sampleRate: Int, channels: Int)?
  /// The first few discontinuities: the extended RTP timestamps before and after each.
  @exclusivity(unchecked) public private(set) var discontinuityExamples:
    [(from: Int64, to: Int64)] =
      []
  /// The clock rate of the stream's telephone-event payload type, once one was seen.
  @exclusivity(unchecked) public private(set) var eventClockRate: Int?
  /// Why decoding stopped, if it did.
  @exclusivity(unchecked) public private(set) var decodingFailure: DecodingError?

  private let sink: any DecodedAudioSink
  /// Per payload type (7 bits), its decoder once made, and what the type means once its first
  /// packet asked: a packet then costs no dictionary lookup and no string work.
  @exclusivity(unchecked) private var decoders = [(any AudioDecoder)?](repeating: nil, count: 128)
  @exclusivity(unchecked) private var resolved = [ResolvedType?](repeating: nil, count: 128)
  @exclusivity(unchecked) private var streamClock = 0
  /// The extended RTP timestamp the next frame written stands for.
  @exclusivity(unchecked) private var position: Int64?
  @exclusivity(unchecked) private var lastTimestamp: (extended: Int64, wire: UInt32)?
  @exclusivity(unchecked) private var pendingLoss = false
  @exclusivity(unchecked) private var currentSource: UInt32?
  @exclusivity(unchecked) private var noiseActive = false
  @exclusivity(unchecked) private var noise = ComfortNoise()
  @exclusivity(unchecked) private var firstArrival: Int64?
  @exclusivity(unchecked) private var latestArrival: Int64 = 0
  @exclusivity(unchecked) private var writtenFrames: Int64 = 0
  @exclusivity(unchecked) private var scratch: UnsafeMutableBufferPointer<Int16>
  @exclusivity(unchecked) private var pendingNext: [UInt8] = []

  /// Creates a writer decoding into `sink`.
  public init(
    sink: any DecodedAudioSink, payloadTypes: PayloadTypeMap = PayloadTypeMap(),
    concealment: ConcealmentMode = .codec, maximumGap: Duration = defaultMaximumGap
  ) {
    self.sink = sink
    self.payloadTypes = payloadTypes
    self.concealment = concealment
    self.maximumGap = maximumGap
    scratch = .allocate(capacity: 1 << 16)
  }

  deinit { scratch.deallocate() }

  /// The most discontinuities remembered in ``discontinuityExamples``.
  public static let maximumDiscontinuityExamples = 3

  func handle(_ event: JitterBufferEvent, source: Endpoint, destination: Endpoint)
    throws(IOError)
  {
    guard decodingFailure == nil else { return }
    do throws(DecodingError) {
      switch event {
      case .ready(let ready):
        try play(ready)
      case .erasure:
        pendingLoss = true
      case .streamStarted(let ssrc):
        // A restart of the same source's sequence numbers keeps its timeline, so that a jump
        // in its timestamps is filled or reported like any other; a new source starts its own,
        // written straight after the last one's audio.
        if ssrc != currentSource {
          currentSource = ssrc
          for decoder in decoders { decoder?.reset() }
          position = nil
          lastTimestamp = nil
          pendingLoss = false
          noiseActive = false
        }
      case .dropped:
        break
      }
    } catch {
      if case .output(let io) = error { throw io }
      decodingFailure = error
    }
  }

  private func play(_ ready: JitterBufferPacket) throws(DecodingError) {
    let packet = ready.packet
    let type = packet.payloadType
    let index = Int(type & 0x7f)
    let meaning: ResolvedType
    if let known = resolved[index] {
      meaning = known
    } else {
      meaning = ResolvedType(payloadTypes.format(for: type))
      resolved[index] = meaning
    }
    guard meaning.isMapped else { throw .unmappedPayloadType(type) }
    if firstArrival == nil { firstArrival = ready.arrival }
    latestArrival = max(latestArrival, ready.arrival)
    switch meaning.role {
    case .telephoneEvent:
      statistics.eventPackets += 1
      eventClockRate = meaning.clockRate
      if let report = TelephoneEvent(packet.payload) {
        events.observe(
          report, timestamp: packet.timestamp, arrival: CaptureTime(clamping: ready.arrival))
      }
      return
    case .comfortNoise:
      statistics.comfortNoisePackets += 1
      noise.update(packet.payload)
      noiseActive = true
      return
    case .video, nil, .audio:
      break
    }
    let decoder: any AudioDecoder
    if let known = decoders[index] {
      decoder = known
    } else {
      guard let format = payloadTypes.format(for: type) else { throw .unmappedPayloadType(type) }
      do {
        decoder = try CodecRegistry.makeDecoder(for: format)
      } catch {
        throw .unsupported(payloadType: type, error)
      }
      decoders[index] = decoder
    }
    if let audioFormat {
      guard audioFormat.sampleRate == decoder.sampleRate, audioFormat.channels == decoder.channels
      else {
        statistics.otherFormatPackets += 1
        return
      }
    } else {
      audioFormat = (decoder.sampleRate, decoder.channels)
      streamClock = meaning.clockRate
      try sink.start(sampleRate: decoder.sampleRate, channels: decoder.channels)
    }
    let timestamp = extend(packet.timestamp)
    let start = position ?? timestamp
    var gap = timestamp - start
    let maximumTicks = Self.ticks(maximumGap, clock: streamClock)
    if gap > maximumTicks || -gap > maximumTicks {
      statistics.discontinuities += 1
      if discontinuityExamples.count < Self.maximumDiscontinuityExamples {
        discontinuityExamples.append((start, timestamp))
      }
      gap = 0
      pendingLoss = false
    }
    let payload = packet.payload
    if gap > 0 { try fill(ticks: gap, decoder: decoder, next: payload) }
    pendingLoss = false
    noiseActive = false
    // Decode.
    let needed = decoder.maximumFrames(payloadBytes: payload.count) * decoder.channels
    ensureScratch(needed)
    let frames: Int
    do {
      frames = try decoder.decode(payload, into: scratch)
    } catch {
      statistics.corruptPackets += 1
      pendingLoss = true
      position = gap < 0 ? start : timestamp
      return
    }
    statistics.decodedPackets += 1
    statistics.decodedFrames += Int64(frames)
    var skip = 0
    if gap < 0 {
      skip = min(frames, Int(framesFor(ticks: -gap, decoder: decoder)))
      statistics.overlappedFrames += Int64(skip)
    }
    let channels = decoder.channels
    try write(
      UnsafeBufferPointer(rebasing: scratch[(skip * channels)..<(frames * channels)]))
    let end = timestamp + ticksFor(frames: frames, decoder: decoder)
    position = max(end, start)
  }

  /// Fills `ticks` of the RTP timeline before the packet whose payload is `next`.
  private func fill(ticks: Int64, decoder: any AudioDecoder, next: UnsafeRawBufferPointer)
    throws(DecodingError)
  {
    var frames = framesFor(ticks: ticks, decoder: decoder)
    // Bound by the capture time spanned.
    let rate = Int64(decoder.sampleRate)
    let elapsed = max(latestArrival &- (firstArrival ?? latestArrival), 0)
    let slack = Self.nanoseconds(Self.fillSlack)
    let budget =
      (elapsed + slack) / 1_000_000_000 * rate + (elapsed + slack) % 1_000_000_000 * rate
      / 1_000_000_000 - writtenFrames
    if frames > budget {
      let allowed = max(budget, 0)
      statistics.notFilledFrames += frames - allowed
      frames = allowed
    }
    guard frames > 0 else { return }
    let channels = decoder.channels
    let lost = pendingLoss
    if lost && concealment == .none { return }
    var remaining = frames
    let chunk = max(decoder.sampleRate / 50, 1)
    while remaining > 0 {
      let step = Int(min(remaining, Int64(chunk)))
      ensureScratch(step * channels)
      let target = UnsafeMutableBufferPointer(rebasing: scratch[0..<(step * channels)])
      if lost && concealment == .codec && decoder.concealsLoss {
        // The payload after the loss goes with the last chunk, for a codec's FEC.
        let isLast = remaining == Int64(step)
        _ = decoder.conceal(frames: step, next: isLast ? next : nil, into: target)
        statistics.concealedFrames += Int64(step)
      } else if !lost && decoder.comfortNoise(frames: step, into: target) == step {
        statistics.filledFrames += Int64(step)
        statistics.noiseFrames += Int64(step)
      } else if !lost && noiseActive {
        noise.fill(target, frames: step, channels: channels)
        statistics.filledFrames += Int64(step)
        statistics.noiseFrames += Int64(step)
      } else {
        target.update(repeating: 0)
        statistics.filledFrames += Int64(step)
      }
      try write(UnsafeBufferPointer(target))
      remaining -= Int64(step)
    }
  }

  private func write(_ samples: UnsafeBufferPointer<Int16>) throws(DecodingError) {
    guard !samples.isEmpty else { return }
    try sink.write(samples)
    writtenFrames += Int64(samples.count / max(audioFormat?.channels ?? 1, 1))
  }

  /// The RTP timestamp extended to 64 bits, forwards or backwards from the last.
  private func extend(_ wire: UInt32) -> Int64 {
    guard let last = lastTimestamp else {
      lastTimestamp = (Int64(wire), wire)
      return Int64(wire)
    }
    let extended = last.extended + Int64(Int32(bitPattern: wire &- last.wire))
    lastTimestamp = (extended, wire)
    return extended
  }

  private func framesFor(ticks: Int64, decoder: any AudioDecoder) -> Int64 {
    ticks * Int64(decoder.sampleRate) / Int64(max(streamClock, 1))
  }

  private func ticksFor(frames: Int, decoder: any AudioDecoder) -> Int64 {
    Int64(frames) * Int64(max(streamClock, 1)) / Int64(decoder.sampleRate)
  }

  private func ensureScratch(_ count: Int) {
    guard count > scratch.count else { return }
    scratch.deallocate()
    scratch = .allocate(capacity: count)
  }

  private static func ticks(_ duration: Duration, clock: Int) -> Int64 {
    let (seconds, attoseconds) = duration.components
    return seconds * Int64(clock) + Int64(Double(attoseconds) / 1e18 * Double(clock))
  }

  private static func nanoseconds(_ duration: Duration) -> Int64 {
    let (seconds, attoseconds) = duration.components
    return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
  }

  /// Ends open events and finishes the sink.
  public func finish() throws(IOError) {
    events.finish()
    do {
      try sink.finish()
    } catch {
      if case .output(let io) = error { throw io }
      if decodingFailure == nil { decodingFailure = error }
    }
  }

  var notWritten: Int { 0 }
  var silenceNotFilled: UInt64 { 0 }
}

/// What one payload type means to ``AudioDecodingWriter``: whether it is mapped, its clock rate
/// and its role (``/RTPCodecs/CodecRegistry/role(of:)``), worked out once.
private struct ResolvedType {
  let isMapped: Bool
  let clockRate: Int
  let role: PayloadRole?

  init(_ format: PayloadFormat?) {
    isMapped = format != nil
    clockRate = format?.clockRate ?? 0
    role = format.flatMap { CodecRegistry.role(of: $0) }
  }
}
