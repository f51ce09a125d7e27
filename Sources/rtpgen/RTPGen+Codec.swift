import ArgumentParser
import RTPAudio
import RTPCaptures
import RTPCodecs
import RTPGeneration
import RTPIO
import RTPPackets
import RTPToolSupport

/// rtpgen's encoding mode: audio in, through a codec of the codec layer, RTP out.
extension RTPGen {
  /// Whether the input is audio to encode rather than payload bytes to packetise.
  var encodesAudio: Bool { codec != nil || dtmf != nil || dtx || bitrate != nil }

  /// The options of encoding mode that can be checked before an encoder exists.
  func validateCodedOptions() throws {
    if codec != nil, encoding != nil {
      throw ValidationError("--encoding is for raw payload bytes; --codec names the codec")
    }
    if codec == nil, file != nil {
      throw ValidationError(
        "--dtmf, --dtx and --bitrate encode audio: give --codec to say FILE is audio "
          + "(e.g. --codec pcmu)")
    }
    if let inputRate, !(1...AudioFormat.maximumSampleRate).contains(inputRate) {
      throw ValidationError("--input-rate must be 1 to \(AudioFormat.maximumSampleRate) Hz")
    }
    if let dtmf {
      guard !dtmf.isEmpty, dtmf.allSatisfy({ TelephoneEvent.code(of: $0) != nil }) else {
        throw ValidationError("--dtmf takes digits 0-9, *, #, A-D")
      }
      guard dtmfPayloadType <= 127, !(64...95).contains(dtmfPayloadType),
        RTPStaticPayloadType(dtmfPayloadType) == nil
      else {
        throw ValidationError("--dtmf-pt must be a dynamic payload type, 96 to 127")
      }
      guard dtmfDuration.isFinite, dtmfDuration > 0, dtmfGap.isFinite, dtmfGap >= 0,
        dtmfStart.nanoseconds >= 0
      else {
        throw ValidationError(
          "--dtmf-duration must be positive, --dtmf-gap and --dtmf-start not negative")
      }
    }
  }

  /// The payload format --codec (or, without it, --pt and --encoding) names, with --rate and
  /// --channels applied.
  func codedFormat() throws -> PayloadFormat {
    let name: String
    var clock: Int?
    var count: Int?
    var parameters = FormatParameters()
    if let codec {
      name = codec.name
      clock = codec.clockRate
      count = codec.channels
      parameters = codec.parameters
    } else {
      name = payloadEncoding.description
    }
    if let rate {
      if let clock, clock != rate {
        throw ValidationError("--codec says \(clock) Hz and --rate \(rate) Hz")
      }
      clock = rate
    }
    if let channels {
      if let count, count != channels {
        throw ValidationError("--codec says \(count) channels and --channels \(channels)")
      }
      count = channels
    }
    if codec == nil, clock == nil, let assigned = RTPStaticPayloadType(payloadType) {
      clock = assigned.clockRate
      count = count ?? assigned.channels
    }
    guard
      let conventional = PayloadFormat(conventionalFor: name)
        ?? clock.map({ rate in
          PayloadFormat(encodingName: name, clockRate: rate)
        })
    else {
      throw ValidationError("--codec \(name) needs its clock rate: --codec \(name)/RATE")
    }
    var channelCount = count ?? conventional.channels
    if conventional.matches("opus") {
      // RFC 7587: always opus/48000/2; the audio's channels are in the stereo parameter.
      if channelCount == 2 && parameters["stereo"] == nil {
        parameters = FormatParameters(
          parsing: parameters.isEmpty ? "stereo=1" : "\(parameters);stereo=1")
      }
      channelCount = 2
    }
    return PayloadFormat(
      encodingName: conventional.encodingName, clockRate: clock ?? conventional.clockRate,
      channels: channelCount, parameters: parameters)
  }

  /// The payload type of encoding mode: --pt, which a static type's assignment must match,
  /// else the format's static type, else 96.
  func codedPayloadType(for format: PayloadFormat) throws -> UInt8 {
    guard let explicit = explicitPayloadType else { return format.staticPayloadType ?? 96 }
    if let assigned = PayloadFormat(staticPayloadType: explicit),
      format.staticPayloadType != explicit
    {
      throw ToolFailure(
        .usage,
        "--pt \(explicit) is \(assigned), not \(format): use a dynamic type 96-127 for it")
    }
    return explicit
  }

  mutating func executeCoded() throws {
    let codec = try codedFormat()
    let payloadType = try codedPayloadType(for: codec)
    let settings = EncoderSettings(bitrate: bitrate?.value, discontinuousTransmission: dtx)
    let encoder: any AudioEncoder
    do {
      encoder = try CodecRegistry.makeEncoder(for: codec, settings: settings)
    } catch {
      var line = "--codec \(error)"
      if case .unsupported = error {
        line +=
          "; rtpgen encodes \(CodecRegistry.encodableEncodings.joined(separator: ", "))"
      }
      throw ToolFailure(.usage, line)
    }
    let frameCount = Double(packetTimeMicroseconds) * Double(encoder.sampleRate) / 1_000_000
    guard frameCount >= 1, frameCount == frameCount.rounded() else {
      throw ToolFailure(
        .usage,
        "--ptime \(ptime) ms is not a whole number of samples at \(encoder.sampleRate) Hz")
    }
    let packetFrames = Int(frameCount)
    if let problem = encoder.problem(packetFrames: packetFrames) {
      throw ToolFailure(.usage, "--ptime \(ptime) with --codec \(codec.encodingName): \(problem)")
    }
    if let tone, !(tone.isFinite && tone > 0 && tone < Double(encoder.sampleRate) / 2) {
      throw ToolFailure(
        .usage,
        "--tone must be above 0 and below half the codec's rate (\(encoder.sampleRate / 2) Hz)")
    }
    if dtmf != nil && dtmfPayloadType == payloadType {
      throw ToolFailure(.usage, "--dtmf-pt \(dtmfPayloadType) is the audio's payload type")
    }
    let packetNanoseconds = Int64(packetTimeMicroseconds) * 1000
    var events: TelephoneEventSchedule?
    if let dtmf {
      let eventPackets = Int((dtmfDuration * 1_000_000 / Double(packetNanoseconds)).rounded(.up))
      let ticks = packetFrames * codec.clockRate / encoder.sampleRate
      guard eventPackets * ticks <= Int(UInt16.max) else {
        throw ToolFailure(
          .usage,
          "--dtmf-duration \(dtmfDuration) ms exceeds what an RFC 4733 duration holds at "
            + "\(codec.clockRate) Hz (\(Int(UInt16.max) * 1000 / codec.clockRate) ms)")
      }
      events = TelephoneEventSchedule(
        codes: dtmf.compactMap { TelephoneEvent.code(of: $0) }, payloadType: dtmfPayloadType,
        firstPacket: UInt64(dtmfStart.nanoseconds / packetNanoseconds),
        eventPackets: eventPackets,
        gapPackets: Int((dtmfGap * 1_000_000 / Double(packetNanoseconds)).rounded()))
    }
    let slots = duration.map {
      UInt64($0.nanoseconds / packetNanoseconds)
        + ($0.nanoseconds % packetNanoseconds == 0 ? 0 : 1)
    }
    let configuration = EncodedStreamGenerator.Configuration(
      payloadType: payloadType, packetFrames: packetFrames, start: streamStart,
      source: sourceEndpoint, destination: dst.endpoint, startTime: startNanoseconds,
      packetLimit: count, packetTimeLimit: slots, voiceActivityDetection: vad, events: events,
      resamplerQuality: quality.value)

    var input: AudioInput? = nil
    let audio: GeneratedAudio
    if let tone {
      audio = .tone(frequency: tone)
    } else if file != nil || (!silence && Terminal.carriesData(.standardInput)) {
      let opened = try AudioInput(
        path: file,
        fallback: AudioFormat(sampleRate: inputRate ?? encoder.sampleRate, encoding: .pcm16))
      input = opened
      audio = .reader(opened.reader)
    } else {
      audio = .silence
    }
    defer { input?.close() }
    let inputName = input?.displayName ?? "stdin"
    let generator: EncodedStreamGenerator
    do {
      generator = try EncodedStreamGenerator(
        configuration: configuration, encoder: encoder, audio: audio)
    } catch {
      throw ToolFailure(.usage, "\(inputName): \(error)")
    }

    let outputFile = try OutputFile(path: output, binary: true)
    let sink = OutputSink(fileDescriptor: outputFile.descriptor)
    let (captureFormat, precision) = format.writerSettings
    var failure: ToolFailure?
    let meter = ProgressMeter(
      tool: "rtpgen", unit: "packets", requested: progress, input: input?.file.descriptor,
      totalUnits: slots ?? (vad || dtx ? nil : count))
    defer { meter?.finish() }
    do {
      let writer = try CaptureWriter(sink: sink, format: captureFormat, precision: precision)
      do {
        try generator.run(into: writer, progress: meter?.handler)
      } catch .write(let error) {
        throw error
      } catch .timeOutOfRange(let line) {
        failure = ToolFailure(.dataError, "\(outputFile.displayName): \(line)")
      } catch .audio(let error) {
        failure = AudioInput.failure(error, name: inputName)
      } catch {
        failure = ToolFailure(.dataError, "\(inputName): \(error)")
      }
      try writer.finish()
    } catch let error as IOError {
      if error == .brokenPipe { throw error }
      throw ToolFailure(.ioError, "\(outputFile.displayName): \(error)")
    }
    try outputFile.close()
    meter?.finish()
    if stats {
      let counted = generator.statistics
      var json = StatisticsJSON()
      json.add("written", counted.written)
      json.add("audioPackets", counted.audioPackets)
      json.add("eventPackets", counted.eventPackets)
      json.add("suppressed", counted.suppressed)
      json.add("untransmitted", counted.untransmitted)
      json.add("talkspurts", counted.talkspurts)
      json.add("inputFrames", counted.inputFrames)
      Terminal.printError(json.description)
    }
    if let failure { throw failure }
  }
}
