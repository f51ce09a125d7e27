import RTPAudio
import RTPBase
import RTPCaptures
import RTPCodecs
import RTPIO
import RTPPackets

/// Generates an RTP stream of encoded audio into a capture: what `rtpgen --codec` runs.
///
/// Each packet time takes ``Configuration/packetFrames`` frames of audio at the encoder's rate,
/// encodes them into one payload by the codec's RTP rules and writes the packet; capture times
/// advance by the packet time from ``Configuration/startTime`` and RTP timestamps by the frames
/// on the codec's clock (half of them for G.722, three times as many for 16 kHz Opus). A packet
/// that voice activity detection or the codec's DTX leaves out keeps the timeline running, and
/// the next packet sent starts a talkspurt with the marker. DTMF events
/// (``TelephoneEventSchedule``) take the place of the audio for their packet times.
public final class EncodedStreamGenerator {
  /// What to generate.
  public struct Configuration: Sendable {
    /// The RTP payload type of the audio packets.
    public var payloadType: UInt8
    /// Frames (samples per channel, at the encoder's rate) in each packet.
    public var packetFrames: Int
    /// The first packet's SSRC, sequence number and timestamp.
    public var start: RTPStreamStart
    /// The sender's endpoint written in each record.
    public var source: Endpoint
    /// The receiver's endpoint written in each record.
    public var destination: Endpoint
    /// Capture time of the first packet time, nanoseconds since the Unix epoch.
    public var startTime: Int64
    /// Stop after writing this many packets.
    public var packetLimit: UInt64?
    /// Stop after this many packet times of media, sent or not.
    public var packetTimeLimit: UInt64?
    /// Leave out packets whose audio peaks at most at ``silenceThreshold``.
    public var voiceActivityDetection: Bool
    /// The loudest sample, in 16-bit units, that still counts as silence (default −60 dBFS).
    public var silenceThreshold: Int
    /// DTMF events to send in place of audio, if any.
    public var events: TelephoneEventSchedule?
    /// How audio at another rate than the encoder's is resampled.
    public var resamplerQuality: ResamplerQuality

    /// A configuration; the limits default to none, silence suppression to off with the
    /// threshold at -60 dBFS, no events, and high-quality resampling.
    public init(
      payloadType: UInt8, packetFrames: Int, start: RTPStreamStart, source: Endpoint,
      destination: Endpoint, startTime: Int64, packetLimit: UInt64? = nil,
      packetTimeLimit: UInt64? = nil, voiceActivityDetection: Bool = false,
      silenceThreshold: Int = 32, events: TelephoneEventSchedule? = nil,
      resamplerQuality: ResamplerQuality = .high
    ) {
      self.payloadType = payloadType
      self.packetFrames = packetFrames
      self.start = start
      self.source = source
      self.destination = destination
      self.startTime = startTime
      self.packetLimit = packetLimit
      self.packetTimeLimit = packetTimeLimit
      self.voiceActivityDetection = voiceActivityDetection
      self.silenceThreshold = silenceThreshold
      self.events = events
      self.resamplerQuality = resamplerQuality
    }
  }

  /// What a run did.
  public struct Statistics: Sendable, Hashable {
    /// Packets written to the capture, audio and events.
    public var written: UInt64 = 0
    /// Audio packets written.
    public var audioPackets: UInt64 = 0
    /// Telephone-event packets written.
    public var eventPackets: UInt64 = 0
    /// Packet times that voice activity detection left out.
    public var suppressed: UInt64 = 0
    /// Packet times the codec's DTX left out.
    public var untransmitted: UInt64 = 0
    /// Talkspurts started (audio packets sent with the marker).
    public var talkspurts: UInt64 = 0
    /// Frames of audio read from the input, at its own rate.
    public var inputFrames: UInt64 = 0
  }

  /// What this generator generates.
  public let configuration: Configuration
  /// The encoder the audio goes through.
  public let encoder: any AudioEncoder
  /// RTP timestamp units per packet.
  public let packetTicks: Int
  /// Counters, updated as the run proceeds (also after it stops with an error).
  public private(set) var statistics = Statistics()

  private let audio: GeneratedAudio
  private var tone: ToneGenerator?
  private let resampler: (any Resampler)?
  private let mono: UnsafeMutableBufferPointer<Int16>
  private let interleaved: UnsafeMutableBufferPointer<Int16>
  private let readBuffer: UnsafeMutableBufferPointer<Int16>
  private let payload: UnsafeMutableRawBufferPointer
  private var pending: [Int16] = []
  private var inputEnded = false
  private var inputFailure: AudioError?

  /// A generator of the stream `configuration` describes, encoding `audio` with `encoder`.
  ///
  /// - Throws: ``RTPGenerationError/packetTime(_:)`` when the encoder cannot make packets of
  ///   ``Configuration/packetFrames`` frames or they span a fraction of an RTP timestamp unit;
  ///   ``RTPGenerationError/resampling(_:)`` when the input's rate cannot be converted.
  public init(configuration: Configuration, encoder: any AudioEncoder, audio: GeneratedAudio)
    throws(RTPGenerationError)
  {
    let frames = configuration.packetFrames
    if let problem = encoder.problem(packetFrames: frames) { throw .packetTime(problem) }
    let ticks = frames * encoder.format.clockRate
    guard frames > 0, ticks % encoder.sampleRate == 0 else {
      throw .packetTime(
        "\(frames) frames at \(encoder.sampleRate) Hz are not a whole number of RTP clock units")
    }
    self.configuration = configuration
    self.encoder = encoder
    self.audio = audio
    packetTicks = ticks / encoder.sampleRate
    switch audio {
    case .silence:
      resampler = nil
    case .tone(let frequency):
      tone = ToneGenerator(frequency: frequency, sampleRate: encoder.sampleRate)
      resampler = nil
    case .reader(let reader):
      let rate = reader.format.sampleRate
      if rate == encoder.sampleRate {
        resampler = nil
      } else {
        do {
          resampler = try makeResampler(
            quality: configuration.resamplerQuality, inputRate: rate,
            outputRate: encoder.sampleRate)
        } catch {
          throw .resampling(error)
        }
      }
      pending.reserveCapacity(4 * frames + 4096)
    }
    mono = .allocate(capacity: frames)
    mono.initialize(repeating: 0)
    interleaved = .allocate(capacity: frames * encoder.channels)
    interleaved.initialize(repeating: 0)
    readBuffer = .allocate(capacity: frames)
    readBuffer.initialize(repeating: 0)
    payload = .allocate(
      byteCount: max(encoder.maximumPayloadBytes(frames: frames), 4), alignment: 16)
    payload.initializeMemory(as: UInt8.self, repeating: 0)
  }

  deinit {
    mono.deallocate()
    interleaved.deallocate()
    readBuffer.deallocate()
    payload.deallocate()
  }

  /// Writes the stream to `writer` until a limit is reached or the audio input ends (its last
  /// packet padded with silence to whole codec frames), calling `progress`, if given, with the
  /// packet times done so far.
  ///
  /// - Throws: ``RTPGenerationError/audio(_:)`` when the input is damaged, after every packet
  ///   of the audio before the damage was written; ``RTPGenerationError/encoding(_:)`` when the
  ///   codec fails; ``RTPGenerationError/write(_:)`` and
  ///   ``RTPGenerationError/timeOutOfRange(_:)`` as the writer does;
  ///   ``RTPGenerationError/invalidHeader(_:)`` before writing anything for a payload type
  ///   above 127.
  public func run(into writer: CaptureWriter, progress: ProgressHandler? = nil)
    throws(RTPGenerationError)
  {
    let config = configuration
    for payloadType in [config.payloadType, config.events?.payloadType ?? 0]
    where payloadType > 127 {
      throw .invalidHeader(.payloadTypeOutOfRange(Int(payloadType)))
    }
    let frames = config.packetFrames
    let channels = encoder.channels
    let rate = Int128(encoder.sampleRate)
    var slot: UInt64 = 0
    var inTalkspurt = false
    while true {
      if let limit = config.packetTimeLimit, slot >= limit { break }
      if let limit = config.packetLimit, statistics.written >= limit { break }
      guard try nextAudio() else { break }
      let time = Int64(
        clamping: Int128(config.startTime) + Int128(slot) * Int128(frames) * 1_000_000_000 / rate)
      let timestamp =
        config.start.timestamp &+ UInt32(truncatingIfNeeded: slot &* UInt64(packetTicks))
      if let schedule = config.events, let (index, step) = schedule.event(atSlot: slot) {
        let start = timestamp &- UInt32(truncatingIfNeeded: step * packetTicks)
        let duration = min(step + 1, schedule.eventPackets) * packetTicks
        let report = TelephoneEvent(
          code: schedule.codes[index], isEnd: step >= schedule.eventPackets - 1,
          volume: schedule.volume, duration: UInt16(clamping: duration))
        let bytes = report.bytes
        for (offset, byte) in bytes.enumerated() { payload[offset] = byte }
        try write(
          to: writer, time: time, payloadType: schedule.payloadType, marker: step == 0,
          timestamp: start, length: 4)
        statistics.eventPackets += 1
      } else {
        let silent =
          config.voiceActivityDetection && Self.peak(mono) <= config.silenceThreshold
        var length = 0
        if !silent {
          for frame in 0..<frames {
            for channel in 0..<channels { interleaved[frame * channels + channel] = mono[frame] }
          }
          do {
            length = try encoder.encode(UnsafeBufferPointer(interleaved), into: payload)
          } catch {
            throw .encoding(error)
          }
        }
        if silent {
          statistics.suppressed += 1
          inTalkspurt = false
        } else if length == 0 {
          statistics.untransmitted += 1
          inTalkspurt = false
        } else {
          let marker = !inTalkspurt
          try write(
            to: writer, time: time, payloadType: config.payloadType, marker: marker,
            timestamp: timestamp, length: length)
          statistics.audioPackets += 1
          if marker { statistics.talkspurts += 1 }
          inTalkspurt = true
        }
      }
      slot += 1
      if let progress, slot % UInt64(progressInterval) == 0 { progress(slot) }
    }
    if let inputFailure { throw .audio(inputFailure) }
  }

  /// Writes one packet whose payload's first `length` bytes are in `payload`.
  private func write(
    to writer: CaptureWriter, time: Int64, payloadType: UInt8, marker: Bool, timestamp: UInt32,
    length: Int
  ) throws(RTPGenerationError) {
    let sequence =
      configuration.start.sequenceNumber &+ UInt16(truncatingIfNeeded: statistics.written)
    let ssrc = configuration.start.ssrc
    let body = UnsafeRawBufferPointer(rebasing: payload[0..<length])
    let written: Bool
    do {
      written = try writer.writePacket(
        timestamp: time, source: configuration.source, destination: configuration.destination,
        payloadLength: RTPHeader.fixedLength + length
      ) { packet in
        RTPSynth.writeHeader(
          marker: marker, payloadType: payloadType, sequenceNumber: sequence,
          timestamp: timestamp, ssrc: ssrc, into: packet.baseAddress!)
        if length > 0 {
          UnsafeMutableRawBufferPointer(rebasing: packet[RTPHeader.fixedLength...])
            .copyMemory(from: body)
        }
      }
    } catch {
      throw .write(error)
    }
    guard written else { throw .timeOutOfRange(writer.outOfRangeDescription ?? "") }
    statistics.written += 1
  }

  /// Fills `mono` with the next packet's audio; `false` when the input has ended and nothing of
  /// it is left.
  private func nextAudio() throws(RTPGenerationError) -> Bool {
    switch audio {
    case .silence:
      return true
    case .tone:
      tone!.fill(mono)
      return true
    case .reader(let reader):
      let frames = configuration.packetFrames
      while pending.count < frames && !inputEnded {
        let count: Int
        do throws(AudioError) {
          count = try reader.readSamples(into: readBuffer)
        } catch {
          inputFailure = error
          count = 0
        }
        statistics.inputFrames += UInt64(count)
        let chunk = UnsafeBufferPointer(rebasing: readBuffer[0..<count])
        do {
          if count == 0 {
            inputEnded = true
            try resampler?.finish { self.pending.append(contentsOf: $0) }
          } else if let resampler {
            try resampler.process(chunk) { self.pending.append(contentsOf: $0) }
          } else {
            pending.append(contentsOf: chunk)
          }
        } catch let error as ResamplerError {
          throw .resampling(error)
        } catch {
          throw .resampling(.soxr(String(describing: error)))
        }
      }
      if pending.isEmpty { return false }
      let taken = min(frames, pending.count)
      for index in 0..<taken { mono[index] = pending[index] }
      for index in taken..<frames { mono[index] = 0 }
      pending.removeFirst(taken)
      return true
    }
  }

  /// The largest magnitude in `samples`.
  private static func peak(_ samples: UnsafeMutableBufferPointer<Int16>) -> Int {
    var peak = 0
    for sample in samples { peak = max(peak, abs(Int(sample))) }
    return peak
  }
}
