import Foundation
import Testing

@Suite("rtpdec: captures back to audio")
struct RTPDecToolTests {
  /// The samples of a WAV that AudioWriter wrote (16-bit PCM, 44-byte header).
  static func wavSamples(_ data: Data) -> [Int16] {
    AudioTool.samples(data.dropFirst(44))
  }

  /// The rate field of a WAV header.
  static func wavRate(_ data: Data) -> Int {
    let bytes = [UInt8](data.prefix(28))
    guard bytes.count == 28 else { return 0 }
    return Int(bytes[24]) | Int(bytes[25]) << 8 | Int(bytes[26]) << 16 | Int(bytes[27]) << 24
  }

  static func write(_ data: Data, _ name: String, in dir: URL) throws -> String {
    let url = dir.appendingPathComponent(name)
    try data.write(to: url)
    return url.path
  }

  static func rms(_ samples: ArraySlice<Int16>) -> Double {
    guard !samples.isEmpty else { return 0 }
    let sum = samples.reduce(0.0) { $0 + Double($1) * Double($1) }
    return (sum / Double(samples.count)).squareRoot()
  }

  @Test("PCMU from rtpgen decodes sample for sample as sox decodes its payload bytes")
  func rtpgenPCMU() throws {
    guard AudioTool.sox else { return print("skipped: no sox") }
    let dir = Shell.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let made = Shell.run("rtpgen --count 100 --tone 1000 --pt 0 > in.pcap", in: dir)
    #expect(made.status == 0, "\(made.stderr)")
    let decoded = Shell.run("rtpdec in.pcap", in: dir)
    #expect(decoded.status == 0, "\(decoded.stderr)")
    let oracle = Shell.run(
      "rtpjb --output payload in.pcap | sox -t ul -r 8000 -c 1 - -t s16 -", in: dir)
    #expect(oracle.status == 0, "\(oracle.stderr)")
    let ours = Self.wavSamples(decoded.stdout)
    #expect(ours.count == 16000)
    #expect(ours == AudioTool.samples(oracle.stdout))
  }

  @Test(
    "Corpus G.711 calls decode as sox decodes them, their whole RTP span",
    arguments: [("wss_pcmu.pcap", "ul", 425), ("wss_pcma.pcap", "al", 414)])
  func corpusG711(file: String, soxType: String, packets: Int) throws {
    guard let path = RTPJBToolTests.corpusFile(file) else { return }
    guard AudioTool.sox else { return print("skipped: no sox") }
    let decoded = Shell.run("rtpdec --stats '\(path)'")
    #expect(decoded.status == 0, "\(decoded.stderr)")
    let oracle = Shell.run(
      "rtpjb --output payload '\(path)' | sox -t \(soxType) -r 8000 -c 1 - -t s16 -")
    let ours = Self.wavSamples(decoded.stdout)
    #expect(ours.count == packets * 160)
    #expect(ours == AudioTool.samples(oracle.stdout))
    #expect(RTPJBToolTests.stats(decoded)["decodedPackets"] == packets)
  }

  @Test("A corpus Opus stream decodes as GStreamer's opusdec decodes the same capture")
  func corpusOpus() throws {
    guard let path = RTPJBToolTests.corpusFile("wss_opus_rawip.pcap") else { return }
    let decoded = Shell.run("rtpdec --codec 102=opus/48000/2 --stats '\(path)'")
    #expect(decoded.status == 0, "\(decoded.stderr)")
    let ours = Self.wavSamples(decoded.stdout)
    #expect(Self.wavRate(decoded.stdout) == 48000)
    // 688 packets of 20 ms at 48 kHz.
    #expect(ours.count == 688 * 960)
    guard Shell.has("gst-launch-1.0") else { return print("skipped: no gst-launch-1.0") }
    let gst = Shell.run(
      "gst-launch-1.0 -q filesrc location='\(path)' ! pcapparse src-ip=10.10.0.1 "
        + "src-port=20000 dst-port=20000 ! 'application/x-rtp,media=audio,clock-rate=48000,"
        + "encoding-name=OPUS,payload=102' ! rtpopusdepay ! opusdec ! "
        + "audio/x-raw,format=S16LE,channels=1 ! fdsink fd=1")
    #expect(gst.status == 0, "\(gst.stderr)")
    let theirs = AudioTool.samples(gst.stdout)
    #expect(theirs.count == ours.count)
    #expect(theirs == ours)
  }

  @Test("A corpus DVI4 call decodes both its 8 kHz and its 16 kHz streams")
  func corpusDVI4() throws {
    guard let path = RTPJBToolTests.corpusFile("t0_sip_rtp_dvi4.pcap") else { return }
    let listed = Shell.run("rtpjb --list '\(path)'")
    let lines = listed.lines.filter { $0.first?.isNumber == true }
    #expect(lines.count == 2, "\(listed.output)")
    var rates: [Int] = []
    for number in 1...2 {
      let decoded = Shell.run("rtpdec --stream \(number) --stats '\(path)'")
      #expect(decoded.status == 0, "\(decoded.stderr)")
      let stats = RTPJBToolTests.stats(decoded)
      let rate = Self.wavRate(decoded.stdout)
      rates.append(rate)
      // One packet of 20 ms per 20 ms: every sample decoded, nothing filled.
      #expect(stats["decodedSamples"] == (stats["decodedPackets"] ?? 0) * rate / 50)
      #expect(Self.rms(Self.wavSamples(decoded.stdout)[...]) > 100)
    }
    #expect(rates.sorted() == [8000, 16000])
  }

  @Test("An unmapped dynamic payload type is one line naming --codec, exit 65, never noise")
  func unmappedDynamicType() throws {
    let dir = Shell.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    var packets = RTPCaptureBuilder.pcmu(count: 20) { _ in Array(repeating: 0x55, count: 80) }
    for index in packets.indices { packets[index].payloadType = 111 }
    let path = try Self.write(RTPCaptureBuilder.pcap(packets), "opus.pcap", in: dir)
    let result = Shell.run("rtpdec '\(path)'")
    #expect(result.status == 65)
    #expect(result.stderr.contains("payload type 111"))
    #expect(result.stderr.contains("--codec 111=opus/48000/2"))
    #expect(!result.stderr.contains("Fatal error"))
    // Nothing was decoded, so nothing but at most a header was written.
    #expect(result.stdout.count <= 44)
  }

  @Test("A timestamp gap without loss (silence suppression) is filled to the stream's RTP span")
  func silenceSuppression() throws {
    let dir = Shell.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    var packets = RTPCaptureBuilder.pcmu(count: 50) { index in
      RTPCaptureBuilder.ulawTone(hertz: 440, start: index * 160, count: 160)
    }
    // After packet 24 the sender stops for one second: timestamps jump, sequence numbers do not.
    for index in 25..<50 {
      packets[index].timestamp += 8000
      packets[index].microseconds += 1_000_000
    }
    let path = try Self.write(RTPCaptureBuilder.pcap(packets), "vad.pcap", in: dir)
    let result = Shell.run("rtpdec --stats '\(path)'")
    #expect(result.status == 0, "\(result.stderr)")
    let samples = Self.wavSamples(result.stdout)
    #expect(samples.count == 50 * 160 + 8000)
    #expect(RTPJBToolTests.stats(result)["filledSamples"] == 8000)
    #expect(samples[4000..<12000].allSatisfy { $0 == 0 })
    #expect(Self.rms(samples[12000...]) > 1000)
  }

  @Test("Comfort noise fills the gap after a CN packet at the level it signals")
  func comfortNoise() throws {
    let dir = Shell.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let packets = RTPCaptureBuilder.pcmu(count: 20) { index in
      RTPCaptureBuilder.ulawTone(hertz: 440, start: index * 160, count: 160)
    }
    // A CN packet at -40 dBov where the talk stops, then two seconds of nothing.
    let cn = RTPCaptureBuilder.Packet(
      sequence: 20, timestamp: 20 * 160, payloadType: 13, payload: [40],
      microseconds: 400_000)
    var later = RTPCaptureBuilder.pcmu(count: 20) { index in
      RTPCaptureBuilder.ulawTone(hertz: 440, start: index * 160, count: 160)
    }
    for index in later.indices {
      later[index].sequence += 21
      later[index].timestamp += 20 * 160 + 16000
      later[index].microseconds += 2_400_000
    }
    let path = try Self.write(RTPCaptureBuilder.pcap(packets + [cn] + later), "cn.pcap", in: dir)
    let result = Shell.run("rtpdec --stats '\(path)'")
    #expect(result.status == 0, "\(result.stderr)")
    let samples = Self.wavSamples(result.stdout)
    #expect(samples.count == 40 * 160 + 16000)
    let stats = RTPJBToolTests.stats(result)
    #expect(stats["noiseSamples"] == 16000)
    #expect(stats["comfortNoise"] == 1)
    // -40 dBov: an RMS of 32767 / 100.
    let noise = Self.rms(samples[(20 * 160)..<(20 * 160 + 16000)])
    #expect(noise > 327 * 0.8 && noise < 327 * 1.2, "noise RMS \(noise)")
  }

  @Test(
    "Lost packets are concealed, silenced or left out as --plc says",
    arguments: [("codec", 50 * 160, true), ("silence", 50 * 160, false), ("none", 40 * 160, false)])
  func concealment(mode: String, expected: Int, audible: Bool) throws {
    let dir = Shell.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    var packets = RTPCaptureBuilder.pcmu(count: 50) { index in
      RTPCaptureBuilder.ulawTone(hertz: 300, start: index * 160, count: 160)
    }
    packets.removeSubrange(20..<30)
    let path = try Self.write(RTPCaptureBuilder.pcap(packets), "loss.pcap", in: dir)
    let result = Shell.run("rtpdec --plc \(mode) --stats '\(path)'")
    #expect(result.status == 0, "\(result.stderr)")
    let samples = Self.wavSamples(result.stdout)
    #expect(samples.count == expected)
    let stats = RTPJBToolTests.stats(result)
    #expect(stats["erasedPackets"] == 10)
    if mode == "codec" {
      #expect(stats["concealedSamples"] == 1600)
      // The first 10 ms of the loss repeat the tone's period at full level.
      #expect(Self.rms(samples[3200..<3280]) > 2000)
      // After 60 ms the concealment is silent.
      #expect(Self.rms(samples[(3200 + 480)..<4800]) < 1)
    } else if mode == "silence" {
      #expect(stats["filledSamples"] == 1600)
      #expect(samples[3200..<4800].allSatisfy { $0 == 0 })
    }
    _ = audible
  }

  @Test("A thousand confirmed 30,000-packet jumps make bounded output and one line, not silence")
  func hostileJumps() throws {
    let dir = Shell.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    var packets: [RTPCaptureBuilder.Packet] = []
    var sequence: UInt16 = 0
    var timestamp: UInt32 = 0
    for jump in 0..<1000 {
      for _ in 0..<2 {
        packets.append(
          RTPCaptureBuilder.Packet(
            sequence: sequence, timestamp: timestamp, payloadType: 0,
            payload: Array(repeating: 0xFF, count: 160), microseconds: UInt64(jump) * 40_000))
        sequence &+= 1
        timestamp &+= 160
      }
      sequence &+= 30000
      timestamp &+= 30000 * 160
    }
    let path = try Self.write(RTPCaptureBuilder.pcap(packets), "jumps.pcap", in: dir)
    let result = Shell.run("rtpdec --stats '\(path)' | wc -c")
    #expect(result.status == 0, "\(result.stderr)")
    let bytes = Int(result.output.trimmingCharacters(in: .whitespacesAndNewlines)) ?? -1
    // At most the 2,000 packets' own audio (and the header).
    #expect(bytes > 0 && bytes <= 2000 * 320 + 44, "\(bytes) bytes")
    let lines = result.stderr.split(separator: "\n").filter { $0.contains("--max-gap") }
    #expect(lines.count == 1, "\(result.stderr)")
  }

  @Test("Telephone events are listed with their digits and never decoded as audio")
  func corpusEvents() throws {
    guard let path = RTPJBToolTests.corpusFile("rtpproxy_dtmf_rfc4733.pcapng") else { return }
    let result = Shell.run("rtpdec --events --stats '\(path)'")
    // The stream is events alone: no audio to write.
    #expect(result.status == 65)
    #expect(result.stderr.contains("only telephone events"))
    let digits = result.stderr.split(separator: "\n").filter { $0.hasPrefix("rtpdec: event ") }
      .map { $0.split(separator: " ")[2] }
    #expect(digits.joined() == "123456789*0#5")
  }

  @Test("Events inside a PCMU stream are listed and leave its audio the length of its span")
  func eventsWithAudio() throws {
    let dir = Shell.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    var packets = RTPCaptureBuilder.pcmu(count: 30) { index in
      RTPCaptureBuilder.ulawTone(hertz: 440, start: index * 160, count: 160)
    }
    // Digit 7 from timestamp 4800 for 480 ticks, end sent three times, audio paused meanwhile.
    var events: [RTPCaptureBuilder.Packet] = []
    for (offset, duration) in [160, 320, 480, 480, 480].enumerated() {
      let end: UInt8 = offset >= 2 ? 0x80 : 0
      events.append(
        RTPCaptureBuilder.Packet(
          sequence: UInt16(30 + offset), timestamp: 4800, payloadType: 101,
          payload: [7, end | 10, UInt8(duration >> 8), UInt8(duration & 0xFF)],
          microseconds: 600_000 + UInt64(offset) * 20_000))
    }
    for index in packets.indices {
      packets[index].sequence += index >= 30 ? 5 : 0
    }
    var after = RTPCaptureBuilder.pcmu(count: 10) { index in
      RTPCaptureBuilder.ulawTone(hertz: 440, start: index * 160, count: 160)
    }
    for index in after.indices {
      after[index].sequence += 35
      after[index].timestamp += 4800 + 480
      after[index].microseconds += 700_000
    }
    let path = try Self.write(
      RTPCaptureBuilder.pcap(packets + events + after), "dtmf.pcap", in: dir)
    let result = Shell.run("rtpdec --events --stats '\(path)'")
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stderr.contains("rtpdec: event 7 at 0.600 s, 60 ms"), "\(result.stderr)")
    let stats = RTPJBToolTests.stats(result)
    #expect(stats["events"] == 1)
    #expect(stats["eventPackets"] == 5)
    #expect(Self.wavSamples(result.stdout).count == 4800 + 480 + 1600)
  }

  @Test("L16 is read in network byte order, mono and stereo")
  func linear16() throws {
    let dir = Shell.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let values: [Int16] = [1000, -1000, 32767, -32768]
    let payload = values.flatMap {
      [UInt8(truncatingIfNeeded: $0 >> 8), UInt8(truncatingIfNeeded: $0)]
    }
    var packets = RTPCaptureBuilder.pcmu(count: 3) { _ in payload }
    for index in packets.indices {
      packets[index].payloadType = 96
      packets[index].timestamp = UInt32(index * 2)
    }
    let path = try Self.write(RTPCaptureBuilder.pcap(packets), "l16.pcap", in: dir)
    let stereo = Shell.run("rtpdec --codec 96=L16/16000/2 '\(path)'")
    #expect(stereo.status == 0, "\(stereo.stderr)")
    #expect(Self.wavSamples(stereo.stdout) == values + values + values)
    #expect(Self.wavRate(stereo.stdout) == 16000)
    for index in packets.indices { packets[index].timestamp = UInt32(index * 4) }
    let monoPath = try Self.write(RTPCaptureBuilder.pcap(packets), "l16m.pcap", in: dir)
    let mono = Shell.run("rtpdec --codec 96=L16/8000 '\(monoPath)'")
    #expect(Self.wavSamples(mono.stdout) == values + values + values)
  }

  @Test("--rate resamples the decoded audio")
  func resampled() throws {
    let dir = Shell.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    Shell.run("rtpgen --count 50 --tone 1000 --pt 0 > in.pcap", in: dir)
    let result = Shell.run("rtpdec --rate 16000 in.pcap", in: dir)
    #expect(result.status == 0, "\(result.stderr)")
    #expect(Self.wavRate(result.stdout) == 16000)
    let count = Self.wavSamples(result.stdout).count
    #expect(abs(count - 16000) <= 32, "\(count) samples")
  }
}
