import RTPAudio
import RTPBase
import RTPCaptures
import RTPCodecs
import RTPIO
import RTPPlayout
import RTPSignalling
import RTPToolSupport
import SystemPackage

extension RTPDec {
  /// The two directions `--both` or `--call` decode, channel 1 first: `nil` for a direction
  /// the capture does not hold.
  func directions(
    _ table: RTPStreamTable, _ signalling: CallSignalling, name: String
  ) throws(ToolFailure) -> [RTPStreamSummary?] {
    let decodable = table.streams.filter { summary in
      CallSignalling.isDecodableAudio(
        summary, under: CallSignalling.map(signalling.mappings(for: summary).mappings, then: codecs)
      )
    }.sorted { $0.packets > $1.packets }
    if let call {
      let calls = signalling.tracker.calls
      guard call <= calls.count else {
        throw ToolFailure(
          .dataError, "\(name): --call \(call): the capture has \(calls.count) SIP calls")
      }
      let chosen = calls[call - 1]
      var destinations: [Endpoint] = []
      for binding in chosen.media where binding.media.lowercased() == "audio" {
        if !destinations.contains(binding.destination) { destinations.append(binding.destination) }
      }
      let streams = destinations.prefix(2).map { destination in
        decodable.first { summary in
          summary.key.destination == destination
            && signalling.tracker.call(forDestination: destination, at: summary.firstTime)?
              .callID == chosen.callID
        }
      }
      guard streams.contains(where: { $0 != nil }) else {
        throw ToolFailure(.dataError, "\(name): call \(chosen.callID) has no audio to decode")
      }
      return streams + Array(repeating: nil, count: 2 - streams.count)
    }
    guard let first = decodable.first else {
      throw ToolFailure(.dataError, "\(name): no audio stream it can decode")
    }
    // The other way: the endpoints swapped, else (a NAT rewriting ports) the addresses.
    let others = decodable.filter { $0.key != first.key }
    let opposite =
      others.first { summary in
        summary.key.source == first.key.destination && summary.key.destination == first.key.source
      }
      ?? others.first { summary in
        summary.key.source.address == first.key.destination.address
          && summary.key.destination.address == first.key.source.address
          && summary.key.source != first.key.source
      }
    return [first, opposite]
  }

  /// Decodes `streams` (channel 1, channel 2) to one stereo file at one rate, each direction
  /// placed by the capture time of its first packet, silence where one is quiet or absent.
  func decodeBoth(
    _ streams: [RTPStreamSummary?], signalling: CallSignalling, input: CaptureStreamInput,
    name: String
  ) throws {
    var maps: [PayloadTypeMap?] = []
    var naturalRate = 8000
    for summary in streams {
      guard let summary else {
        maps.append(nil)
        continue
      }
      let map = CallSignalling.map(signalling.mappings(for: summary).mappings, then: codecs)
      maps.append(map)
      for type in summary.payloadTypes {
        if let format = map.format(for: type), CodecRegistry.role(of: format) == .audio,
          let decoder = try? CodecRegistry.makeDecoder(for: format)
        {
          naturalRate = max(naturalRate, decoder.sampleRate)
        }
      }
    }
    let outputRate = rate ?? naturalRate
    let start = streams.compactMap { $0?.firstTime }.min() ?? 0
    var channels: [(file: FileDescriptor, channels: Int, offset: Int)?] = []
    defer { for channel in channels { try? channel?.file.close() } }
    for (number, summary) in streams.enumerated() {
      guard let summary, let map = maps[number] else {
        channels.append(nil)
        Terminal.printError("rtpdec: \(name): no stream for channel \(number + 1): silence")
        continue
      }
      let file: FileDescriptor
      do {
        file = try TemporaryFile.makeUnlinked(prefix: "rtpdec")
      } catch {
        throw ToolFailure(.ioError, "\(name): \(error)")
      }
      let sink = AudioFileSink(
        fileDescriptor: file, container: .raw, outputRate: outputRate, quality: quality.value)
      let writer = AudioDecodingWriter(
        sink: sink, payloadTypes: map, concealment: plc,
        maximumGap: .nanoseconds(maxGap.nanoseconds))
      try input.rewind()
      let reader = try input.openReader(progress: progress)
      let pipeline = PlayoutPipeline(
        reader: reader, selection: .stream(summary.key), capacity: capacity,
        maxDelay: maxDelay?.nanoseconds,
        unprotector: try srtpSession(for: summary, signalling: signalling, name: name))
      do {
        try pipeline.run(into: .audio(writer), progress: input.meter?.handler)
      } catch PlayoutError.decoding(let error) {
        throw ToolFailure(.dataError, "\(name): channel \(number + 1): \(error)")
      } catch PlayoutError.input(let error) {
        throw ToolFailure(capture: error, name: name)
      } catch {
        throw ToolFailure(.ioError, "\(name): \(error)")
      }
      try Self.checkSRTP(pipeline.statistics, name: name, channel: "channel \(number + 1): ")
      let offset = Int((Int128(summary.firstTime - start) * Int128(outputRate)) / 1_000_000_000)
      channels.append((file, writer.audioFormat?.channels ?? 1, offset))
      Terminal.printError(
        "rtpdec: \(name): channel \(number + 1): \(summary.key.source) -> "
          + "\(summary.key.destination), SSRC \(RTPStreamTable.hex(summary.key.ssrc)), "
          + "\(writer.statistics.decodedPackets) packets decoded")
    }
    let outputFile = try OutputFile(path: outputPath, binary: true)
    let sink = AudioFileSink(
      fileDescriptor: outputFile.descriptor, container: outputFormat.container,
      fileFormat: outputFormat.fileFormat)
    do {
      try sink.start(sampleRate: outputRate, channels: 2)
      try StereoInterleaver.interleave(channels, into: sink)
      try sink.finish()
    } catch {
      throw ToolFailure(.ioError, "\(outputFile.displayName): \(error)")
    }
    try outputFile.close()
  }
}
