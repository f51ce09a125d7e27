import Foundation
import Testing

/// GSM and G.729 through the tools: the corpus's captures decoded by rtpdec against sox's
/// libgsm and bcg729's own decoder over the same frames, and rtpgen's streams decoded back.
@Suite("rtpdec and rtpgen --codec: GSM and G.729")
struct GSMAndG729ToolTests {
  /// A decoder written here over bcg729 alone: 10-byte frames on standard input, 80 samples of
  /// 16-bit little-endian audio out for each; a frame of ten zero bytes (what `rtpjb --output
  /// payload` writes for a lost G.729 packet) is decoded as an erasure.
  static let bcg729Loop = """
    #include <bcg729/decoder.h>
    #include <stdint.h>
    #include <stdio.h>
    #include <string.h>
    int main(void) {
      static const uint8_t zero[10];
      uint8_t frame[10];
      int16_t samples[80];
      bcg729DecoderChannelContextStruct *decoder = initBcg729DecoderChannel();
      if (decoder == NULL) return 1;
      while (fread(frame, 1, sizeof frame, stdin) == sizeof frame) {
        uint8_t erased = memcmp(frame, zero, sizeof frame) == 0;
        bcg729Decoder(decoder, frame, sizeof frame, erased, 0, 0, samples);
        if (fwrite(samples, sizeof samples[0], 80, stdout) != 80) return 2;
      }
      closeBcg729DecoderChannel(decoder);
      return 0;
    }

    """

  /// A C compiler, if the machine has one.
  static let compiler = ["cc", "clang"].first { Shell.has($0) }

  /// The RTP-time span of the stream rtpjb plays out of `path` (`options` choosing it): the
  /// first packet's timestamp to the last's plus its duration, `bytes` bytes of payload lasting
  /// `samples` samples.
  static func span(_ path: String, options: String = "", bytes: Int, samples: Int) -> Int? {
    let events = Shell.run("rtpjb \(options) --output events '\(path)'")
    let ready = events.lines.filter { $0.contains(#""event":"ready""#) }
    func number(_ key: String, _ line: String) -> Int? {
      guard let range = line.range(of: "\"\(key)\":") else { return nil }
      return Int(line[range.upperBound...].prefix { $0.isNumber })
    }
    guard let first = ready.first.flatMap({ number("ts", $0) }),
      let lastLine = ready.last, let last = number("ts", lastLine),
      let length = number("bytes", lastLine)
    else { return nil }
    return Int(UInt32(truncatingIfNeeded: last - first)) + length / bytes * samples
  }

  @Test("The corpus's GSM call decodes as sox's libgsm decodes its frames, as long as its RTP span")
  func gsmCorpus() throws {
    guard let path = RTPJBToolTests.corpusFile("rtpproxy_DLT_NULL_gsm_v4v6.pcap") else { return }
    guard AudioTool.sox else { return print("skipped: no sox") }
    // Three streams: two legs of one SSRC over IPv4 (51 and 249 packets) and one over IPv6
    // (300 packets), the one both tools take by default; name it so that both use the same.
    let listed = Shell.run("rtpjb --list '\(path)'")
    #expect(listed.lines.count == 4, "\(listed.output)")
    #expect(listed.lines.count > 2 && listed.lines[2].contains("[::1]:12002"))
    #expect(listed.lines.dropFirst().allSatisfy { $0.contains("  3  ") })
    let dir = Shell.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    for stream in [2, 3] {
      let ours = Shell.run("rtpdec --stream \(stream) --stats --format raw '\(path)'", in: dir)
      #expect(ours.status == 0, "\(ours.stderr)")
      let theirs = Shell.run(
        "rtpjb --stream \(stream) --output payload '\(path)' "
          + "| sox -t gsm -r 8000 -c 1 - -t s16 -", in: dir)
      #expect(theirs.status == 0, "\(theirs.stderr)")
      let samples = AudioTool.samples(ours.stdout)
      #expect(samples.count == [2: 48000, 3: 39840][stream])
      #expect(
        samples.count == Self.span(path, options: "--stream \(stream)", bytes: 33, samples: 160))
      #expect(ours.stdout == theirs.stdout, "stream \(stream): sox's libgsm decodes other samples")
      let stats = RTPJBToolTests.stats(ours)
      #expect(stats["concealedSamples"] == 0 && stats["corrupt"] == 0, "\(ours.stderr)")
    }
  }

  @Test(
    "The corpus's G.729 calls decode as bcg729's own decoder does their frames, losses concealed by its erasure and duplicates dropped",
    arguments: [
      ("rtpproxy_dups_g729.pcap", 61280, 0), ("rtpproxy_lost_g729.pcap", 45200, 321 * 80),
    ])
  func g729Corpus(name: String, length: Int, concealed: Int) throws {
    guard let path = RTPJBToolTests.corpusFile(name) else { return }
    let ours = Shell.run("rtpdec --stats --format raw '\(path)'")
    #expect(ours.status == 0, "\(ours.stderr)")
    #expect(ours.stdout.count == 2 * length)
    #expect(length == Self.span(path, bytes: 10, samples: 80))
    let stats = RTPJBToolTests.stats(ours)
    #expect(stats["concealedSamples"] == concealed, "\(ours.stderr)")
    #expect(stats["decodedSamples"] == length - concealed, "\(ours.stderr)")
    #expect(stats["duplicates"] == (concealed == 0 ? 1 : 0), "\(ours.stderr)")
    guard let compiler = Self.compiler else {
      return print("skipped bcg729's loop: no cc or clang")
    }
    let dir = Shell.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    try Self.bcg729Loop.write(
      to: dir.appendingPathComponent("loop.c"), atomically: true, encoding: .utf8)
    let built = Shell.run("\(compiler) loop.c -o loop -lbcg729", in: dir)
    #expect(built.status == 0, "\(built.stderr)")
    let frames = Shell.run("rtpjb --output payload '\(path)'", in: dir)
    #expect(frames.stdout.count == length / 8)
    // The frames of ten zero bytes are exactly the lost ones: none in the call without losses.
    let zeros = stride(from: 0, to: frames.stdout.count - 9, by: 10).filter { start in
      frames.stdout[(frames.stdout.startIndex + start)..<(frames.stdout.startIndex + start + 10)]
        .allSatisfy { $0 == 0 }
    }
    #expect(zeros.count * 80 == concealed)
    let theirs = Shell.run("./loop", input: frames.stdout, in: dir)
    #expect(theirs.status == 0, "\(theirs.stderr)")
    #expect(theirs.stdout == ours.stdout, "\(name): bcg729's own decoder gives other samples")
  }

  /// Whether `samples` (8000 Hz) are a tone of 1 kHz: the strongest bin of the DFT of 100 ms
  /// from their middle is 1 kHz, and nothing more than 10 Hz from it is within `margin` dB.
  static func isKilohertz(_ samples: [Int16], margin: Double) -> Bool {
    guard samples.count >= 1600 else { return false }
    let middle = samples.count / 2
    let spectrum = AudioTool.spectrum(Array(samples[middle..<(middle + 800)]))
    let peak = spectrum.indices.max { spectrum[$0] < spectrum[$1] }
    let others = spectrum.indices.filter { abs($0 - 100) > 1 }.map { spectrum[$0] }.max() ?? 0
    return peak == 100 && others < -margin
  }

  @Test("rtpgen --codec gsm sends a 1 kHz tone that rtpdec gives back and sox decodes alike")
  func gsmGenerated() throws {
    let dir = Shell.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let made = Shell.run(
      "rtpgen --codec gsm --tone 1000 --duration 2 --stats > s.pcap", in: dir)
    #expect(made.status == 0, "\(made.stderr)")
    #expect(made.stderr.contains(#""audioPackets":100"#), "\(made.stderr)")
    let lengths = Shell.run("rtpjb --output events s.pcap", in: dir).lines
      .filter { $0.contains(#""event":"ready""#) }
    #expect(lengths.count == 100 && lengths.allSatisfy { $0.contains(#""pt":3,"#) })
    #expect(lengths.allSatisfy { $0.contains(#""bytes":33}"#) })
    let ours = Shell.run("rtpdec --format raw s.pcap", in: dir)
    #expect(ours.status == 0, "\(ours.stderr)")
    let samples = AudioTool.samples(ours.stdout)
    #expect(samples.count == 16000)
    #expect(Self.isKilohertz(samples, margin: 30))
    #expect(abs(RTPDecToolTests.rms(samples[4000...]) - 11585) < 600)
    guard AudioTool.sox else { return print("skipped sox's decode: no sox") }
    let theirs = Shell.run(
      "rtpjb --output payload s.pcap | sox -t gsm -r 8000 -c 1 - -t s16 -", in: dir)
    #expect(theirs.status == 0, "\(theirs.stderr)")
    #expect(theirs.stdout == ours.stdout, "sox's libgsm decodes our frames otherwise")
  }

  @Test("rtpgen --codec g729 sends 40-byte datagrams of two frames that decode to 1 kHz")
  func g729Generated() throws {
    let dir = Shell.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let made = Shell.run(
      "rtpgen --codec g729 --tone 1000 --duration 2 --stats > s.pcap", in: dir)
    #expect(made.status == 0, "\(made.stderr)")
    #expect(made.stderr.contains(#""audioPackets":100"#), "\(made.stderr)")
    if Shell.has("tshark") {
      let lengths = Shell.run("tshark -r s.pcap -T fields -e udp.length", in: dir).lines
      #expect(lengths.count == 100 && lengths.allSatisfy { $0 == "\(8 + 12 + 20)" })
    } else {
      print("skipped the UDP lengths: no tshark")
    }
    let ours = Shell.run("rtpdec --format raw s.pcap", in: dir)
    #expect(ours.status == 0, "\(ours.stderr)")
    let samples = AudioTool.samples(ours.stdout)
    #expect(samples.count == 16000)
    #expect(Self.isKilohertz(samples, margin: 20))
    #expect(abs(RTPDecToolTests.rms(samples[4000...]) - 11585) < 1200)
  }

  @Test("rtpgen --codec g729 --dtx sends fewer, shorter packets for silence: SIDs or nothing")
  func g729DTX() throws {
    let dir = Shell.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    // Half a second of 1 kHz, then a second and a half of silence, as raw 8 kHz samples.
    let tone = (0..<4000).map { Int16((8192 * sin(2 * Double.pi * Double($0) / 8)).rounded()) }
    let audio = tone + [Int16](repeating: 0, count: 12000)
    try AudioTool.bytes(audio).write(to: dir.appendingPathComponent("talk.raw"))
    let made = Shell.run(
      "rtpgen --codec g729 --input-rate 8000 --dtx --stats talk.raw > dtx.pcap "
        + "&& rtpgen --codec g729 --input-rate 8000 talk.raw > full.pcap", in: dir)
    #expect(made.status == 0, "\(made.stderr)")
    /// The timestamp and payload length of each packet rtpjb plays out of `file`.
    func packets(_ file: String) -> [(timestamp: Int, bytes: Int)] {
      func number(_ key: String, _ line: String) -> Int? {
        line.range(of: "\"\(key)\":").flatMap {
          Int(line[$0.upperBound...].prefix { $0.isNumber })
        }
      }
      return Shell.run("rtpjb --output events \(file)", in: dir).lines
        .filter { $0.contains(#""event":"ready""#) }
        .compactMap { line in
          number("ts", line).flatMap { ts in number("bytes", line).map { (ts, $0) } }
        }
    }
    let full = packets("full.pcap")
    #expect(full.count == 100 && full.allSatisfy { $0.bytes == 20 })
    let sent = packets("dtx.pcap")
    #expect(sent.count > 25 && sent.count < 60, "\(sent.map(\.bytes))")
    // Speech frames, then at most one SID, last.
    #expect(sent.allSatisfy { [2, 12, 20].contains($0.bytes) }, "\(sent.map(\.bytes))")
    #expect(sent.prefix(20).allSatisfy { $0.bytes == 20 })
    // The last second is silence: SIDs only, a few.
    guard let first = sent.first?.timestamp else { return }
    let late = sent.filter { UInt32(truncatingIfNeeded: $0.timestamp - first) >= 8000 }
    #expect(late.count < 10 && late.allSatisfy { $0.bytes == 2 }, "\(late.map(\.bytes))")
    #expect(sent.map(\.bytes).reduce(0, +) * 2 < full.map(\.bytes).reduce(0, +))
    // rtpdec decodes every packet sent and fills the gaps between them, to the last one.
    let decoded = Shell.run("rtpdec --stats --format raw dtx.pcap", in: dir)
    #expect(decoded.status == 0, "\(decoded.stderr)")
    let stats = RTPJBToolTests.stats(decoded)
    #expect(stats["decodedPackets"] == sent.count, "\(decoded.stderr)")
    let last = sent.last.map { Int(UInt32(truncatingIfNeeded: $0.timestamp - first)) } ?? 0
    let lastFrames =
      (sent.last?.bytes ?? 0) / 10 * 80 + ((sent.last?.bytes ?? 0) % 10 == 2 ? 80 : 0)
    #expect(decoded.stdout.count == 2 * (last + lastFrames))
    #expect(stats["concealedSamples"] == 0, "\(decoded.stderr)")
  }

  /// The signal-to-noise ratio in dB of `decoded` against `reference`.
  static func snr(_ reference: [Int16], _ decoded: [Int16]) -> Double {
    var signal = 0.0
    var noise = 0.0
    for (wanted, got) in zip(reference, decoded) {
      signal += Double(wanted) * Double(wanted)
      noise += (Double(wanted) - Double(got)) * (Double(wanted) - Double(got))
    }
    return 10 * log10(signal / max(noise, 1))
  }

  @Test(
    "ffmpeg's own decoders read rtpgen's frames: GSM sample for sample, G.729 (full, against bcg729's Annex A) above 20 dB SNR"
  )
  func ffmpegDecodes() throws {
    guard Shell.has("ffmpeg") else { return print("skipped: no ffmpeg") }
    let dir = Shell.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    for codec in ["gsm", "g729"] {
      let made = Shell.run(
        "rtpgen --codec \(codec) --tone 1000 --duration 2 --seed 5 > s.pcap", in: dir)
      #expect(made.status == 0, "\(made.stderr)")
      let ours = Shell.run("rtpdec --format raw s.pcap", in: dir)
      #expect(ours.status == 0, "\(ours.stderr)")
      let theirs = Shell.run(
        "rtpjb --output payload s.pcap | ffmpeg -nostdin -loglevel error -f \(codec) -i - "
          + "-f s16le -", in: dir)
      #expect(theirs.status == 0, "\(theirs.stderr)")
      #expect(theirs.stdout.count == 32000 && ours.stdout.count == 32000)
      if codec == "gsm" {
        #expect(theirs.stdout == ours.stdout, "ffmpeg's GSM decoder gives other samples")
      } else {
        let snr = Self.snr(AudioTool.samples(theirs.stdout), AudioTool.samples(ours.stdout))
        #expect(snr > 20, "G.729: \(snr) dB")
      }
    }
  }
}
