import Foundation
import Testing

/// AMR and AMR-WB end to end: the corpus call, GStreamer's streams received by rtprecv, and
/// rtpgen's streams decoded by GStreamer's amrnbdec and amrwbdec (the same opencore libraries).
@Suite("AMR and AMR-WB: rtpdec and rtpgen against GStreamer")
struct AMRToolTests {
  /// GStreamer's decode of the octet-aligned AMR (or AMR-WB) stream of payload type 96 in
  /// `capture`: 16-bit samples, or `nil` when gst-launch-1.0 is missing.
  static func gstreamerDecode(_ capture: String, wideband: Bool, in dir: URL) -> [Int16]? {
    guard Shell.has("gst-launch-1.0") else { return nil }
    let (rate, name, decoder) = wideband ? (16000, "AMR-WB", "amrwbdec") : (8000, "AMR", "amrnbdec")
    let run = Shell.run(
      "gst-launch-1.0 -q filesrc location='\(capture)' ! pcapparse ! 'application/x-rtp,"
        + "media=audio,clock-rate=\(rate),encoding-name=\(name),octet-align=(string)1,"
        + "payload=96' ! rtpamrdepay ! \(decoder) ! audio/x-raw,format=S16LE ! fdsink fd=1",
      in: dir)
    #expect(run.status == 0, "\(run.stderr)")
    return AudioTool.samples(run.stdout)
  }

  /// Whether `samples` (the part after the first quarter) is a 1 kHz tone with an RMS within
  /// 12% of `rms`.
  static func expectTone(_ samples: [Int16], rate: Int, rms: Double, _ what: String) {
    let tail = samples[(samples.count / 4)...]
    let crossings = RTPGenCodecToolTests.crossingsPerSecond(tail, rate: rate)
    #expect(abs(crossings - 2000) < 20, "\(what): \(crossings) crossings a second")
    let level = RTPDecToolTests.rms(tail)
    #expect(abs(level - rms) < rms * 0.12, "\(what): RMS \(level), wanted \(rms)")
  }

  @Test(
    "Every stream of the corpus AMR call decodes to its RTP span (bandwidth-efficient)",
    arguments: [
      // Stream, RTP span in samples (last timestamp - first + 160), packets after duplicates.
      (1, 137_920, 526), (2, 51_200, 246), (3, 56_320, 264), (4, 54_720, 279), (5, 9_760, 59),
      (6, 20_160, 120),
    ])
  func corpus(stream: Int, span: Int, packets: Int) throws {
    guard let path = RTPJBToolTests.corpusFile("hdiniz_sll_amrnb.pcap") else { return }
    let mapping = "--codec 118=AMR/8000 --codec 113=AMR/8000"
    let decoded = Shell.run("rtpdec --stream \(stream) \(mapping) --stats '\(path)'")
    #expect(decoded.status == 0, "\(decoded.stderr)")
    #expect(RTPDecToolTests.wavRate(decoded.stdout) == 8000)
    let samples = RTPDecToolTests.wavSamples(decoded.stdout)
    #expect(samples.count == span)
    let stats = RTPJBToolTests.stats(decoded)
    #expect(stats["decodedPackets"] == packets)
    #expect(stats["corrupt"] == 0)
    #expect(RTPDecToolTests.rms(samples[...]) > 100, "speech, not silence")
    // Read as octet-aligned, payloads whose table of contents then overruns them are corrupt:
    // counted, not decoded as noise.
    let wrong = Shell.run(
      "rtpdec --stream \(stream) --codec '118=AMR/8000;octet-align=1' "
        + "--codec '113=AMR/8000;octet-align=1' --stats '\(path)' > /dev/null")
    #expect((RTPJBToolTests.stats(wrong)["corrupt"] ?? 0) > packets / 5, "\(wrong.stderr)")
  }

  @Test(
    "GStreamer's AMR and AMR-WB via rtprecv: a 1 kHz tone, the samples GStreamer decodes",
    arguments: [(false, "amrnbenc"), (true, "voamrwbenc")])
  func gstreamerStreams(wideband: Bool, encoder: String) throws {
    guard Shell.has("gst-launch-1.0") else { return print("skipped: no gst-launch-1.0") }
    let dir = Shell.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let rate = wideband ? 16000 : 8000
    let port = RTPSendRecvToolTests.port()
    let result = RTPSendRecvToolTests.exchange(
      port: port, receive: "--listen 127.0.0.1:\(port) --idle-timeout 1 --stats",
      send:
        "timeout -s KILL 20 gst-launch-1.0 -q audiotestsrc freq=1000 num-buffers=100 "
        + "samplesperbuffer=\(rate / 50) ! audio/x-raw,rate=\(rate),channels=1,format=S16LE ! "
        + "\(encoder) ! rtpamrpay ! udpsink host=127.0.0.1 port=\(port) sync=false",
      in: dir)
    #expect(result.status == 0, "\(result.stderr)")
    #expect(RTPSendRecvToolTests.status(dir) == 0)
    let name = wideband ? "AMR-WB/16000" : "AMR/8000"
    let decoded = Shell.run(
      "rtpdec --codec '96=\(name);octet-align=1' --stats --format raw recv.pcap", in: dir)
    #expect(decoded.status == 0, "\(decoded.stderr)")
    let ours = AudioTool.samples(decoded.stdout)
    #expect(ours.count == 2 * rate, "\(decoded.stderr)")
    #expect(RTPJBToolTests.stats(decoded)["corrupt"] == 0)
    // audiotestsrc's default volume 0.8: RMS 0.8 × 32767 / √2 = 18536.
    Self.expectTone(ours, rate: rate, rms: 18536, encoder)
    let theirs = Self.gstreamerDecode(
      dir.appendingPathComponent("recv.pcap").path, wideband: wideband, in: dir)
    #expect(theirs == ours, "\(encoder): GStreamer decodes other samples")
  }

  @Test(
    "rtpgen's AMR and AMR-WB decode as GStreamer decodes them, in either layout",
    arguments: [(false, "AMR/8000"), (true, "AMR-WB/16000")])
  func rtpgenStreams(wideband: Bool, name: String) throws {
    let dir = Shell.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let rate = wideband ? 16000 : 8000
    let codec = wideband ? "amr-wb" : "amr"
    let made = Shell.run(
      "rtpgen --codec \(codec) --tone 1000 --duration 2 --stats > be.pcap && "
        + "rtpgen --codec '\(name);octet-align=1' --tone 1000 --duration 2 > oa.pcap", in: dir)
    #expect(made.status == 0, "\(made.stderr)")
    #expect(made.stderr.contains(#""audioPackets":100"#), "\(made.stderr)")
    let aligned = Shell.run(
      "rtpdec --codec '96=\(name);octet-align=1' --format raw oa.pcap", in: dir)
    #expect(aligned.status == 0, "\(aligned.stderr)")
    let efficient = Shell.run("rtpdec --codec 96=\(name) --format raw be.pcap", in: dir)
    #expect(efficient.status == 0, "\(efficient.stderr)")
    let ours = AudioTool.samples(aligned.stdout)
    #expect(ours.count == 2 * rate)
    // The same encoder output in the two layouts: the same audio.
    #expect(AudioTool.samples(efficient.stdout) == ours)
    // rtpgen's tone peaks at half of full scale: RMS 16384 / √2.
    Self.expectTone(ours, rate: rate, rms: 11585, name)
    guard
      let theirs = Self.gstreamerDecode(
        dir.appendingPathComponent("oa.pcap").path, wideband: wideband, in: dir)
    else { return print("skipped: no gst-launch-1.0") }
    #expect(theirs == ours, "\(name): GStreamer decodes other samples")
  }

  @Test("An AMR payload type with interleaving is one line naming the parameter, exit 65")
  func interleavingRefused() throws {
    let dir = Shell.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let run = Shell.run(
      "rtpgen --codec amr --tone 500 --duration 1 > s.pcap && "
        + "rtpdec --codec '96=AMR/8000;octet-align=1;interleaving=2' s.pcap > out.wav", in: dir)
    #expect(run.status == 65, "\(run.stderr)")
    #expect(run.stderr.contains("interleaving"), "\(run.stderr)")
    #expect(run.stderr.split(separator: "\n").count <= 2, "\(run.stderr)")
  }
}
