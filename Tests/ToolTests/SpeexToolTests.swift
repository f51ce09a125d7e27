import Foundation
import Testing

/// Speex through the tools, against GStreamer's speexenc, rtpspeexpay, rtpspeexdepay and
/// speexdec: libspeex on both sides, so decoded samples are identical.
@Suite("Speex: rtpgen and rtpdec against GStreamer")
struct SpeexToolTests {
  static let gstreamer = Shell.has("gst-launch-1.0")

  /// GStreamer's decode of the Speex stream of payload type `payloadType` at `rate` in the
  /// capture at `path`, as samples.
  static func gstreamerDecode(_ path: String, rate: Int, payloadType: Int) -> [Int16] {
    let run = Shell.run(
      "gst-launch-1.0 -q filesrc location='\(path)' ! pcapparse ! 'application/x-rtp,"
        + "media=audio,clock-rate=\(rate),encoding-name=SPEEX,payload=\(payloadType)' ! "
        + "rtpspeexdepay ! speexdec ! audio/x-raw,format=S16LE ! fdsink fd=1")
    #expect(run.status == 0, "\(run.stderr)")
    return AudioTool.samples(run.stdout)
  }

  @Test(
    "rtpgen --codec speex decodes in rtpdec exactly as in GStreamer's speexdec",
    arguments: [8000, 16000, 32000])
  func ours(rate: Int) throws {
    guard Self.gstreamer else { return print("skipped: no gst-launch-1.0") }
    let dir = Shell.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let made = Shell.run(
      "rtpgen --codec speex/\(rate) --tone 1000 --duration 2 > s.pcap && "
        + "rtpdec --codec 96=speex/\(rate) --format raw s.pcap > ours.raw", in: dir)
    #expect(made.status == 0, "\(made.stderr)")
    let ours = AudioTool.samples(try Data(contentsOf: dir.appendingPathComponent("ours.raw")))
    #expect(ours.count == 2 * rate)
    let theirs = Self.gstreamerDecode(
      dir.appendingPathComponent("s.pcap").path, rate: rate, payloadType: 96)
    #expect(theirs.count == ours.count)
    #expect(theirs == ours)
  }

  @Test("GStreamer's Speex over loopback: rtprecv catches it, rtpdec hears 1 kHz as speexdec does")
  func theirs() throws {
    guard Self.gstreamer else { return print("skipped: no gst-launch-1.0") }
    let dir = Shell.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let port = 25_412
    let run = Shell.run(
      """
      rtprecv --listen 127.0.0.1:\(port) --count 100 --idle-timeout 3 > gst.pcap &
      sleep 0.5
      gst-launch-1.0 -q audiotestsrc freq=1000 volume=0.5 num-buffers=100 samplesperbuffer=320 \
        ! audio/x-raw,rate=16000,channels=1 ! speexenc ! rtpspeexpay pt=97 \
        ! udpsink host=127.0.0.1 port=\(port) sync=true
      wait
      rtpdec --codec 97=speex/16000 --stats --format raw gst.pcap > ours.raw
      """, in: dir)
    #expect(run.status == 0, "\(run.stderr)")
    let ours = AudioTool.samples(try Data(contentsOf: dir.appendingPathComponent("ours.raw")))
    let stats = RTPJBToolTests.stats(run)
    #expect(stats["decodedPackets"] == 100)
    // speexenc stamps its second packet 143 ticks less than a frame after the first (its
    // look-ahead): rtpdec keeps the RTP timeline and so overlaps those samples.
    let overlap = stats["overlappedSamples"] ?? -1
    #expect(ours.count == 100 * 320 - overlap)
    let crossings = RTPGenCodecToolTests.crossingsPerSecond(ours[4000...], rate: 16000)
    #expect(abs(crossings - 2000) < 40, "\(crossings) crossings a second")
    let level = RTPDecToolTests.rms(ours[4000...])
    #expect(abs(level - 11585) < 1500, "RMS \(level)")
    let theirs = Self.gstreamerDecode(
      dir.appendingPathComponent("gst.pcap").path, rate: 16000, payloadType: 97)
    try #require(theirs.count == 100 * 320)
    // The same frames, less the overlap where the second begins.
    #expect(Array(theirs[0..<320]) == Array(ours[0..<320]))
    #expect(Array(theirs[(320 + overlap)...]) == Array(ours[320...]))
  }
}
