import Foundation
import Testing

/// rtpgen --codec: audio through the codec layer's encoders into RTP, decoded back by rtpdec and
/// by GStreamer and ffmpeg.
@Suite("rtpgen --codec: encoded streams")
struct RTPGenCodecToolTests {
  /// Zero crossings per second of `samples` at `rate`: twice the frequency of a tone.
  static func crossingsPerSecond(_ samples: ArraySlice<Int16>, rate: Int) -> Double {
    var crossings = 0
    var previous = samples.first ?? 0
    for sample in samples.dropFirst() {
      if (previous < 0) != (sample < 0) { crossings += 1 }
      previous = sample
    }
    return Double(crossings) * Double(rate) / Double(max(samples.count, 1))
  }

  @Test(
    "A 1 kHz tone through each encoder comes back from rtpdec at its frequency and level",
    arguments: [
      ("pcmu", "", 8000), ("pcma", "", 8000), ("dvi4", "", 8000), ("DVI4/16000", "", 16000),
      ("l16/16000", "--codec 96=L16/16000", 16000),
      ("l24/48000", "--codec 96=L24/48000", 48000), ("opus", "--codec 96=opus/48000/2", 48000),
      ("'opus;stereo=1'", "--codec '96=opus/48000/2;stereo=1'", 48000),
    ])
  func toneRoundTrip(codec: String, mapping: String, rate: Int) throws {
    let dir = Shell.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let made = Shell.run(
      "rtpgen --codec \(codec) --tone 1000 --duration 2 --seed 7 --stats > s.pcap", in: dir)
    #expect(made.status == 0, "\(made.stderr)")
    #expect(made.stderr.contains(#""audioPackets":100"#), "\(made.stderr)")
    let decoded = Shell.run("rtpdec \(mapping) s.pcap", in: dir)
    #expect(decoded.status == 0, "\(decoded.stderr)")
    #expect(RTPDecToolTests.wavRate(decoded.stdout) == rate)
    let channels = codec.contains("stereo") ? 2 : 1
    let samples = RTPDecToolTests.wavSamples(decoded.stdout)
    #expect(samples.count == 2 * rate * channels)
    let left = stride(from: 0, to: samples.count, by: channels).map { samples[$0] }
    let tail = left[(left.count / 4)...]
    let crossings = Self.crossingsPerSecond(tail, rate: rate)
    #expect(abs(crossings - 2000) < 20, "\(codec): \(crossings) crossings a second")
    // The tone peaks at half of full scale: RMS 16384 / √2.
    let rms = RTPDecToolTests.rms(tail)
    #expect(abs(rms - 11585) < 600, "\(codec): RMS \(rms)")
  }

  @Test("L16 from a WAV at the codec's rate is carried sample for sample")
  func wavLossless() throws {
    guard AudioTool.sox else { return print("skipped: no sox") }
    let dir = Shell.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let made = Shell.run(
      "sox -n -r 16000 -c 1 -b 16 chord.wav synth 1 sine 300 sine 500 remix 1,2 gain -3 "
        + "&& rtpgen --codec L16/16000 chord.wav > s.pcap && rtpdec --codec 96=L16/16000 "
        + "--format raw s.pcap > back.raw && sox chord.wav -t s16 chord.raw", in: dir)
    #expect(made.status == 0, "\(made.stderr)")
    let back = try Data(contentsOf: dir.appendingPathComponent("back.raw"))
    let source = try Data(contentsOf: dir.appendingPathComponent("chord.raw"))
    #expect(back.count == 32000)
    #expect(back == source)
  }

  @Test("A 44.1 kHz stereo WAV is mixed and resampled for an 8 kHz codec")
  func wavResampled() throws {
    guard AudioTool.sox else { return print("skipped: no sox") }
    let dir = Shell.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let made = Shell.run(
      "sox -n -r 44100 -c 2 music.wav synth 2 sine 1000 sine 1000 gain -6 "
        + "&& rtpgen --codec pcma --stats music.wav > s.pcap", in: dir)
    #expect(made.status == 0, "\(made.stderr)")
    #expect(made.stderr.contains(#""inputFrames":88200"#), "\(made.stderr)")
    let decoded = Shell.run("rtpdec s.pcap", in: dir)
    let samples = RTPDecToolTests.wavSamples(decoded.stdout)
    #expect(samples.count == 16000)
    let crossings = Self.crossingsPerSecond(samples[2000..<14000], rate: 8000)
    #expect(abs(crossings - 2000) < 20, "\(crossings) crossings a second")
  }

  /// A decoder written here over libopus alone: one payload a line in hex on standard input,
  /// 48 kHz mono samples out, each packet decoded as it comes.
  static let libopusLoop = """
    #include <opus.h>
    #include <stdio.h>
    int main(void) {
      int error;
      OpusDecoder *decoder = opus_decoder_create(48000, 1, &error);
      static char line[16384];
      static unsigned char payload[8192];
      static opus_int16 pcm[5760];
      if (error != OPUS_OK) return 1;
      while (fgets(line, sizeof line, stdin)) {
        int length = 0;
        for (char *p = line; p[0] && p[1] && p[0] != '\\n'; p += 2) {
          unsigned value;
          if (sscanf(p, "%2x", &value) != 1) return 2;
          payload[length++] = (unsigned char)value;
        }
        int frames = opus_decode(decoder, payload, length, pcm, 5760, 0);
        if (frames < 0) return 3;
        fwrite(pcm, sizeof pcm[0], (size_t)frames, stdout);
      }
      opus_decoder_destroy(decoder);
      return 0;
    }

    """

  @Test("rtpgen's Opus decodes as libopus's own loop and GStreamer's opusdec decode it")
  func opusOracles() throws {
    let dir = Shell.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let made = Shell.run(
      "rtpgen --codec opus --bitrate 24k --tone 700 --duration 2 --seed 3 > s.pcap", in: dir)
    #expect(made.status == 0, "\(made.stderr)")
    let ours = Shell.run("rtpdec --codec 96=opus/48000/2 --format raw s.pcap", in: dir)
    #expect(ours.status == 0, "\(ours.stderr)")
    #expect(ours.stdout.count == 2 * 96000)
    if Shell.has("cc") && Shell.has("tshark") && Shell.has("pkg-config") {
      try Self.libopusLoop.write(
        to: dir.appendingPathComponent("loop.c"), atomically: true, encoding: .utf8)
      let loop = Shell.run(
        "cc loop.c -o loop $(pkg-config --cflags --libs opus) && tshark -r s.pcap "
          + "-d udp.port==5004,rtp -T fields -e rtp.payload 2>/dev/null | tr -d : | ./loop",
        in: dir)
      #expect(loop.status == 0, "\(loop.stderr)")
      #expect(loop.stdout == ours.stdout, "libopus's own loop decodes other samples")
    } else {
      print("skipped the libopus loop: no cc, tshark or pkg-config")
    }
    guard Shell.has("gst-launch-1.0") else { return print("skipped: no gst-launch-1.0") }
    let gst = Shell.run(
      "gst-launch-1.0 -q filesrc location=s.pcap ! pcapparse dst-port=5004 ! "
        + "'application/x-rtp,media=audio,clock-rate=48000,encoding-name=OPUS,payload=96' ! "
        + "rtpopusdepay ! opusdec ! audio/x-raw,format=S16LE,channels=1 ! fdsink fd=1", in: dir)
    #expect(gst.status == 0, "\(gst.stderr)")
    // GStreamer 1.22's opusdec differs from a plain libopus decode by a few units in the first
    // 40 ms (its decoder is set up otherwise); from then on the samples are the same.
    let theirs = AudioTool.samples(gst.stdout)
    let mine = AudioTool.samples(ours.stdout)
    #expect(theirs.count == mine.count)
    guard theirs.count == mine.count else { return }
    #expect(theirs[1920...] == mine[1920...])
    #expect(zip(theirs, mine).allSatisfy { abs(Int($0) - Int($1)) <= 4 })
  }

  @Test("ffmpeg receives rtpgen's Opus and G.711 over loopback and hears the tone")
  func ffmpegReceives() throws {
    guard Shell.has("ffmpeg") else { return print("skipped: no ffmpeg") }
    let dir = Shell.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    for (codec, rtpmap, port) in [
      ("opus", "96 opus/48000/2", 25_404), ("pcma", "8 PCMA/8000", 25_406),
    ] {
      let payloadType = rtpmap.split(separator: " ")[0]
      let sdp = """
        v=0
        o=- 0 0 IN IP4 127.0.0.1
        s=rtpgen
        c=IN IP4 127.0.0.1
        t=0 0
        m=audio \(port) RTP/AVP \(payloadType)
        a=rtpmap:\(rtpmap)

        """
      try sdp.write(
        to: dir.appendingPathComponent("\(codec).sdp"), atomically: true, encoding: .utf8)
      let run = Shell.run(
        "rtpgen --codec \(codec) --tone 1000 --duration 2 --dst 127.0.0.1:\(port) > s.pcap && "
          + "(ffmpeg -nostdin -loglevel error -protocol_whitelist file,udp,rtp "
          + "-i \(codec).sdp -t 1.9 -ac 1 -ar 8000 -f s16le -y \(codec).raw & receiver=$!; "
          + "sleep 1; rtpsend --to 127.0.0.1:\(port) s.pcap; sleep 0.3; "
          + "kill -9 $receiver 2>/dev/null; wait $receiver || true)",
        in: dir)
      #expect(run.status == 0, "\(codec): \(run.stderr)")
      let raw = (try? Data(contentsOf: dir.appendingPathComponent("\(codec).raw"))) ?? Data()
      let samples = AudioTool.samples(raw)
      #expect(samples.count > 12000, "\(codec): ffmpeg wrote \(samples.count) samples")
      guard samples.count > 12000 else { continue }
      let crossings = Self.crossingsPerSecond(samples[2000..<12000], rate: 8000)
      #expect(abs(crossings - 2000) < 30, "\(codec): \(crossings) crossings a second")
    }
  }

  @Test("--dtmf sends RFC 4733 events tshark reads, with three end reports, between the talk")
  func dtmfEvents() throws {
    let dir = Shell.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let made = Shell.run(
      "rtpgen --codec pcmu --tone 440 --duration 3 --dtmf '1*9#' --dtmf-duration 60 --seed 1 "
        + "--stats > s.pcap", in: dir)
    #expect(made.status == 0, "\(made.stderr)")
    // 60 ms is 3 packet times, then the end report twice more: 5 packets a digit.
    #expect(made.stderr.contains(#""eventPackets":20"#), "\(made.stderr)")
    let listed = Shell.run("rtpdec --events -o s.wav s.pcap", in: dir)
    #expect(listed.status == 0)
    let digits = listed.stderr.split(separator: "\n").compactMap { line -> String? in
      let words = line.split(separator: " ")
      return words.count > 2 && words[1] == "event" ? String(words[2]) : nil
    }
    #expect(digits == ["1", "*", "9", "#"], "\(listed.stderr)")
    guard Shell.has("tshark") else { return print("skipped: no tshark") }
    let fields = Shell.run(
      "tshark -r s.pcap -d udp.port==5004,rtp -Y rtpevent -T fields -e rtp.marker "
        + "-e rtp.timestamp -e rtpevent.event_id -e rtpevent.end_of_event -e rtpevent.duration",
      in: dir)
    let rows = String(decoding: fields.stdout, as: UTF8.self).split(separator: "\n")
      .map { $0.split(separator: "\t") }
    #expect(rows.count == 20)
    guard rows.count == 20 else { return }
    let first = rows[0..<5]
    #expect(first.map { $0[0] } == ["1", "0", "0", "0", "0"])
    #expect(Set(first.map { $0[1] }).count == 1, "one timestamp for the whole event")
    #expect(first.map { $0[2] } == ["1", "1", "1", "1", "1"])
    #expect(first.map { $0[3] } == ["0", "0", "1", "1", "1"])
    #expect(first.map { $0[4] } == ["160", "320", "480", "480", "480"])
    #expect(rows[5][2] == "10" && rows[15][2] == "11")
    let decoded = Shell.run("soxi -s s.wav", in: dir)
    if AudioTool.sox { #expect(decoded.stdout == Data("24000\n".utf8)) }
  }

  @Test("Opus with --dtx leaves silence out and marks the talk that follows")
  func opusDTX() throws {
    guard AudioTool.sox else { return print("skipped: no sox") }
    let dir = Shell.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let made = Shell.run(
      "sox -n -r 48000 -c 1 -b 16 talk.wav synth 1 sine 500 : synth 2 sine 0 gain -100 : "
        + "synth 1 sine 500 && rtpgen --codec opus --dtx --stats talk.wav > s.pcap", in: dir)
    #expect(made.status == 0, "\(made.stderr)")
    let stats = RTPJBToolTests.stats(made)
    #expect((stats["untransmitted"] ?? 0) > 60, "\(made.stderr)")
    #expect((stats["talkspurts"] ?? 0) >= 2, "\(made.stderr)")
    let decoded = Shell.run("rtpdec --codec 96=opus/48000/2 --stats s.pcap", in: dir)
    #expect(decoded.status == 0, "\(decoded.stderr)")
    // Decoded to the whole RTP span: what DTX left out is filled.
    #expect(RTPDecToolTests.wavSamples(decoded.stdout).count == 4 * 48000)
  }

  @Test(
    "Codec options that cannot work are one line and 64",
    arguments: [
      ("--codec ilbc", "no encoder for iLBC"),
      ("--codec opus --ptime 25", "an Opus packet is"),
      ("--codec opus --pt 0", "--pt 0 is PCMU/8000"),
      ("--codec opus --bitrate 100", "bit rate"),
      ("--codec pcmu --dtx", "PCMU has no discontinuous transmission"),
      ("--codec dvi4 --bitrate 32k", "DVI4 has one bit rate only"),
      ("--codec gsm --dtx", "GSM has no discontinuous transmission"),
      ("--codec g729 --bitrate 16k", "G729 has one bit rate only"),
      ("--codec speex/44100", "Speex's clock is 8000, 16000 or 32000"),
      ("--codec speex --ptime 30", "whole 20 ms frames"),
      ("--dtx in.raw", "give --codec"),
      ("--codec pcmu --encoding pcma", "--encoding is for raw payload bytes"),
      ("--codec pcmu --dtmf 12x", "--dtmf takes digits"),
      ("--codec l16 --rate 16000 --tone 9000", "below half"),
    ])
  func refused(options: String, message: String) throws {
    let dir = Shell.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let run = Shell.run(
      "touch in.raw && rtpgen \(options) --duration 1 > out.pcap", in: dir)
    #expect(run.status == 64, "\(options): \(run.stderr)")
    #expect(run.stderr.contains(message), "\(options): \(run.stderr)")
    #expect(run.stderr.split(separator: "\n").count <= 3, "\(run.stderr)")
  }
}
