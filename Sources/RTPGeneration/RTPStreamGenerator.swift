import RTPAudio
import RTPBase
import RTPCaptures
import RTPIO
import RTPPackets

/// Generates an RTP stream into a capture: the engine behind `rtpgen`.
///
/// Packets are cut every packet time from the payload source; capture timestamps advance by the
/// packet time from ``Configuration/startTime``. With voice activity detection, packets whose
/// audio is silent are not sent while the RTP timestamp keeps running, and the first packet of
/// each talkspurt carries the marker, as RFC 3551 section 4.1 asks of audio senders.
public final class RTPStreamGenerator {
  /// What to generate.
  public struct Configuration: Sendable {
    /// The RTP payload type of every packet.
    public var payloadType: UInt8
    /// How samples become payload octets (PCMU, PCMA, L16).
    public var encoding: PayloadEncoding
    /// The audio's sampling rate in Hz, which is also the RTP clock rate.
    public var sampleRate: Int
    /// Audio channels, interleaved in each payload (RFC 3551 section 4.1): 2 for L16 stereo.
    public var channels: Int
    /// The media time each packet carries, in microseconds (20,000 for 20 ms).
    public var packetTimeMicroseconds: Int
    /// The first packet's SSRC, sequence number and timestamp.
    public var start: RTPStreamStart
    /// The sender's endpoint written in each record.
    public var source: Endpoint
    /// The receiver's endpoint written in each record.
    public var destination: Endpoint
    /// Capture time of the first packet, nanoseconds since the Unix epoch.
    public var startTime: Int64
    /// Stop after writing this many packets.
    public var packetLimit: UInt64?
    /// Stop after this many packet times of media, sent or suppressed.
    public var packetTimeLimit: UInt64?
    /// Suppress packets whose peak magnitude is at most ``silenceThreshold``.
    public var voiceActivityDetection: Bool
    /// The loudest sample, in 16-bit units, that still counts as silence (default −60 dBFS).
    public var silenceThreshold: Int

    /// A configuration; the limits default to none, silence suppression to off and the
    /// threshold to -60 dBFS, channels to mono. A payload type above 127 is refused by
    /// ``RTPStreamGenerator/run(into:progress:)``.
    ///
    /// - Precondition: `channels` is at least 1.
    public init(
      payloadType: UInt8, encoding: PayloadEncoding, sampleRate: Int, packetTimeMicroseconds: Int,
      start: RTPStreamStart, source: Endpoint, destination: Endpoint, startTime: Int64,
      packetLimit: UInt64? = nil, packetTimeLimit: UInt64? = nil,
      voiceActivityDetection: Bool = false, silenceThreshold: Int = 32, channels: Int = 1
    ) {
      precondition(channels >= 1)
      self.payloadType = payloadType
      self.encoding = encoding
      self.sampleRate = sampleRate
      self.channels = channels
      self.packetTimeMicroseconds = packetTimeMicroseconds
      self.start = start
      self.source = source
      self.destination = destination
      self.startTime = startTime
      self.packetLimit = packetLimit
      self.packetTimeLimit = packetTimeLimit
      self.voiceActivityDetection = voiceActivityDetection
      self.silenceThreshold = silenceThreshold
    }
  }

  /// What a run did.
  public struct Statistics: Sendable, Hashable {
    /// Packets written to the capture.
    public var written: UInt64 = 0
    /// Packets that voice activity detection suppressed.
    public var suppressed: UInt64 = 0
    /// Talkspurts started (packets sent with the marker).
    public var talkspurts: UInt64 = 0
    /// Payload bytes taken from the input.
    public var inputBytes: UInt64 = 0
  }

  /// What this generator generates.
  public let configuration: Configuration
  /// Counters, updated as the run proceeds (also after it stops with an error).
  public private(set) var statistics = Statistics()

  private var source: PayloadSource
  private var synth: RTPSynth
  private var tone: ToneGenerator?
  private let samples: UnsafeMutableBufferPointer<Int16>
  private let payload: UnsafeMutableRawBufferPointer

  /// The largest payload the generator builds: 10 s of packet time is refused by `RTPSynth`, and
  /// UDP cannot carry more than this anyway.
  public static let maximumPayloadLength = 65_507 - RTPHeader.fixedLength

  /// A generator of the stream `configuration` describes, its payload read from `source`.
  public init(configuration: Configuration, payload source: PayloadSource) {
    self.configuration = configuration
    self.source = source
    self.synth = RTPSynth(
      sampleRate: configuration.sampleRate,
      packetTimeMicroseconds: configuration.packetTimeMicroseconds, start: configuration.start)
    if case .tone(let frequency) = source {
      tone = ToneGenerator(frequency: frequency, sampleRate: configuration.sampleRate)
    }
    let maxSamples = (synth.samplesInNextPacket + 1) * configuration.channels
    samples = .allocate(capacity: maxSamples)
    payload = .allocate(
      byteCount: maxSamples * configuration.encoding.bytesPerSample, alignment: 16)
    payload.initializeMemory(as: UInt8.self, repeating: configuration.encoding.silenceByte)
  }

  deinit {
    samples.deallocate()
    payload.deallocate()
  }

  /// Writes the stream to `writer` until a limit is reached or the payload input ends, calling
  /// `progress`, if given, with the packet times (slots, sent or suppressed) done so far.
  /// Throws ``RTPGenerationError/invalidHeader(_:)`` before writing anything when the payload
  /// type is above 127.
  public func run(into writer: CaptureWriter, progress: ProgressHandler? = nil)
    throws(RTPGenerationError)
  {
    let config = configuration
    // Checked once here, so that writing each header below cannot fail half-way through a
    // record the writer has already reserved.
    guard config.payloadType <= 127 else {
      throw .invalidHeader(.payloadTypeOutOfRange(Int(config.payloadType)))
    }
    let channels = config.channels
    let bytesPerFrame = config.encoding.bytesPerSample * channels
    let packetTimeNanoseconds = Int64(config.packetTimeMicroseconds) * 1000
    var slot: UInt64 = 0
    var lastSentSlot: UInt64? = nil
    var inTalkspurt = false
    // The loop works on local copies: a class's stored properties would be checked for
    // exclusive access at run time on every packet, which cost a fifth of rtpgen's time.
    var synth = self.synth
    var tone = self.tone
    var statistics = self.statistics
    defer {
      self.synth = synth
      self.tone = tone
      self.statistics = statistics
    }
    let samples = self.samples
    let payload = self.payload
    let source = self.source
    while true {
      if let limit = config.packetTimeLimit, slot >= limit { break }
      if let limit = config.packetLimit, statistics.written >= limit { break }
      let sampleCount = Self.samples(
        inSlot: slot, sampleRate: config.sampleRate,
        packetTimeMicroseconds: config.packetTimeMicroseconds)
      var byteCount = sampleCount * bytesPerFrame
      let body: UnsafeRawBufferPointer
      var leftover = 0
      switch source {
      case .silence:
        body = UnsafeRawBufferPointer(rebasing: payload[0..<byteCount])
      case .tone:
        tone!.fill(UnsafeMutableBufferPointer(rebasing: samples[0..<sampleCount]))
        if channels > 1 {
          // The same tone in every channel: spread each sample over its frame, from the end
          // so that no sample is overwritten before it is copied.
          for frame in stride(from: sampleCount - 1, through: 0, by: -1) {
            let sample = samples[frame]
            for channel in 0..<channels { samples[frame * channels + channel] = sample }
          }
        }
        let slice = UnsafeMutableBufferPointer(rebasing: samples[0..<(sampleCount * channels)])
        config.encoding.encode(UnsafeBufferPointer(slice), into: payload)
        body = UnsafeRawBufferPointer(rebasing: payload[0..<byteCount])
      case .input(let input):
        let window: UnsafeRawBufferPointer
        do {
          // The first packet's read also takes in enough to tell a capture or an audio file.
          window = try input.peek(slot == 0 ? max(byteCount, InputContent.prefixLength) : byteCount)
        } catch {
          throw .read(error)
        }
        if window.isEmpty {
          if slot == 0 { throw .emptyPayload }
          return
        }
        if slot == 0, let content = InputContent.identify(window) {
          throw .notRawPayload(content)
        }
        if window.count < byteCount {
          byteCount = window.count - window.count % bytesPerFrame
          leftover = window.count - byteCount
          if byteCount == 0 {
            throw .partialSample(
              length: input.offset + UInt64(window.count), bytesPerSample: bytesPerFrame)
          }
        }
        body = UnsafeRawBufferPointer(rebasing: window[0..<byteCount])
      }
      let silent =
        config.voiceActivityDetection
        && config.encoding.peakMagnitude(of: body) <= config.silenceThreshold
      if silent {
        statistics.suppressed += 1
        inTalkspurt = false
      } else {
        if !inTalkspurt {
          if let lastSentSlot {
            synth.resync(
              elapsedNanoseconds: (slot - lastSentSlot) * UInt64(config.packetTimeMicroseconds)
                * 1000)
          }
          statistics.talkspurts += 1
          inTalkspurt = true
        }
        // In 128 bits, then clamped: a time past Int64 is past what any format holds, and the
        // writer refuses it rather than a wrapped one.
        let time = Int64(
          clamping: Int128(config.startTime) + Int128(slot) * Int128(packetTimeNanoseconds))
        let written: Bool
        do {
          written = try writer.writePacket(
            timestamp: time, source: config.source, destination: config.destination,
            payloadLength: RTPHeader.fixedLength + body.count
          ) { packet in
            // The payload type was checked above, and the record holds the header and body.
            synth.writeNextHeader(payloadType: config.payloadType, into: packet.baseAddress!)
            if !body.isEmpty {
              UnsafeMutableRawBufferPointer(rebasing: packet[RTPHeader.fixedLength...])
                .copyMemory(from: body)
            }
          }
        } catch {
          throw .write(error)
        }
        guard written else { throw .timeOutOfRange(writer.outOfRangeDescription ?? "") }
        statistics.written += 1
        lastSentSlot = slot
      }
      if case .input(let input) = source {
        input.consume(byteCount)
        statistics.inputBytes += UInt64(byteCount)
        if leftover > 0 {
          throw .partialSample(
            length: input.offset + UInt64(leftover), bytesPerSample: bytesPerFrame)
        }
      }
      slot += 1
      if let progress, slot % UInt64(progressInterval) == 0 { progress(slot) }
    }
  }

  /// Samples in media slot `slot`: the difference of cumulative sample counts, so a fractional
  /// samples-per-packet rate (11,025 Hz at 20 ms) alternates as the timestamps do. The pattern
  /// repeats every million slots, which keeps the arithmetic small.
  private static func samples(inSlot slot: UInt64, sampleRate: Int, packetTimeMicroseconds: Int)
    -> Int
  {
    let perSlot = UInt64(sampleRate) * UInt64(packetTimeMicroseconds)
    let whole = perSlot / 1_000_000
    let remainder = perSlot % 1_000_000
    let phase = slot % 1_000_000
    return Int(whole + ((phase + 1) * remainder) / 1_000_000 - (phase * remainder) / 1_000_000)
  }
}
