import Foundation
import Testing

/// Streams GStreamer makes fresh (a chord of 440 and 660 Hz) in codecs it can send, caught by
/// rtprecv on loopback and decoded by rtpdec: both notes there at their level, and, where
/// GStreamer decodes with the same library, the samples it decodes from the same capture.
@Suite("Fresh GStreamer streams through rtprecv and rtpdec")
struct FreshStreamToolTests {
  struct Sender: Sendable, CustomStringConvertible {
    var name: String
    var rate: Int
    var encoder: String
    var payloader: String
    var caps: String
    var depayloader: String
    var decoder: String
    var mapping: String
    /// Samples at the start GStreamer's decoder sets up otherwise (opusdec's first 40 ms).
    var settling: Int
    var port: Int
    var description: String { name }
  }

  static let senders = [
    Sender(
      name: "PCMA", rate: 8000, encoder: "alawenc", payloader: "rtppcmapay max-ptime=20000000",
      caps: "clock-rate=8000,encoding-name=PCMA,payload=8", depayloader: "rtppcmadepay",
      decoder: "alawdec", mapping: "", settling: 0, port: 25_430),
    Sender(
      name: "GSM", rate: 8000, encoder: "gsmenc", payloader: "rtpgsmpay",
      caps: "clock-rate=8000,encoding-name=GSM,payload=3", depayloader: "rtpgsmdepay",
      decoder: "gsmdec", mapping: "", settling: 0, port: 25_432),
    Sender(
      name: "Opus", rate: 48000, encoder: "opusenc", payloader: "rtpopuspay pt=111",
      caps: "clock-rate=48000,encoding-name=OPUS,payload=111", depayloader: "rtpopusdepay",
      decoder: "opusdec", mapping: "--codec 111=opus/48000/2", settling: 1920, port: 25_434),
  ]

  /// The level in dB of `hertz` in `samples` at `rate`, relative to the strongest bin.
  static func level(of hertz: Double, in samples: [Int16], rate: Int) -> Double {
    let spectrum = AudioTool.spectrum(samples)
    let bin = Int((hertz * Double(samples.count) / Double(rate)).rounded())
    return spectrum[max(bin - 1, 0)...min(bin + 1, spectrum.count - 1)].max() ?? -300
  }

  @Test(
    "A chord from GStreamer decodes with both notes, as GStreamer decodes it", arguments: senders)
  func chord(sender: Sender) throws {
    guard Shell.has("gst-launch-1.0") else { return print("skipped: no gst-launch-1.0") }
    let dir = Shell.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let buffers = 100
    let perBuffer = sender.rate / 50
    let run = Shell.run(
      """
      rtprecv --listen 127.0.0.1:\(sender.port) --idle-timeout 1.5 > s.pcap &
      sleep 0.5
      gst-launch-1.0 -q audiomixer name=mix ! audio/x-raw,rate=\(sender.rate),channels=1 \
        ! \(sender.encoder) ! \(sender.payloader) ! udpsink host=127.0.0.1 port=\(sender.port) \
        audiotestsrc freq=440 volume=0.25 num-buffers=\(buffers) samplesperbuffer=\(perBuffer) \
        ! audio/x-raw,rate=\(sender.rate),channels=1 ! mix. \
        audiotestsrc freq=660 volume=0.25 num-buffers=\(buffers) samplesperbuffer=\(perBuffer) \
        ! audio/x-raw,rate=\(sender.rate),channels=1 ! mix.
      wait
      rtpdec \(sender.mapping) --stats --format raw s.pcap > ours.raw
      """, in: dir)
    #expect(run.status == 0, "\(sender): \(run.stderr)")
    let ours = AudioTool.samples(try Data(contentsOf: dir.appendingPathComponent("ours.raw")))
    let stats = RTPJBToolTests.stats(run)
    #expect((stats["decodedPackets"] ?? 0) > 0, "\(sender): \(stats)")
    let overlap = stats["overlappedSamples"] ?? 0
    try #require(ours.count > sender.rate)
    let window = Array(ours[(sender.rate / 2)..<(sender.rate / 2 + 4096)])
    for note in [440.0, 660.0] {
      let level = Self.level(of: note, in: window, rate: sender.rate)
      #expect(level > -3, "\(sender): \(note) Hz at \(level) dB")
    }
    #expect(Self.level(of: 1000, in: window, rate: sender.rate) < -30)
    // Two sines of a quarter of full scale each: RMS 8192 × √(1/2 + 1/2) ≈ 8192.
    let rms = RTPDecToolTests.rms(ours[(sender.rate / 4)...])
    #expect(abs(rms - 8192) < 1300, "\(sender): RMS \(rms)")
    let gst = Shell.run(
      "gst-launch-1.0 -q filesrc location=s.pcap ! pcapparse dst-port=\(sender.port) ! "
        + "'application/x-rtp,media=audio,\(sender.caps)' ! \(sender.depayloader) ! "
        + "\(sender.decoder) ! audio/x-raw,format=S16LE,channels=1 ! fdsink fd=1", in: dir)
    #expect(gst.status == 0, "\(sender): \(gst.stderr)")
    let theirs = AudioTool.samples(gst.stdout)
    // Two seconds (and an Opus encoder's last frame), of which rtpdec leaves out what the
    // encoder's look-ahead overlaps at the start of the RTP timeline.
    #expect(theirs.count >= 2 * sender.rate && theirs.count <= 2 * sender.rate + perBuffer)
    #expect(ours.count == theirs.count - overlap, "\(sender): \(stats)")
    // GStreamer plays every frame; rtpdec keeps the RTP timeline, which the first packets may
    // overlap. After them the samples are the same.
    let compared = min(ours.count, theirs.count) - sender.settling - 2 * perBuffer
    #expect(theirs.suffix(compared) == ours.suffix(compared), "\(sender)")
  }
}
