import Foundation
import Testing

/// rtpdec names payload types from the SDP of the capture's SIP calls, or of an SDP file, so
/// that a call decodes without `--codec`.
@Suite("rtpdec with signalling: SIP in the capture and --sdp")
struct RTPDecSignallingToolTests {
  @Test("The corpus Opus call over SIP/TCP decodes with no --codec, as with it")
  func corpusOpusCall() throws {
    guard let path = RTPJBToolTests.corpusFile("wss_cisco_sip_tcp_opus_h264.pcap") else { return }
    let automatic = Shell.run("rtpdec --stats --format raw '\(path)'")
    #expect(automatic.status == 0, "\(automatic.stderr)")
    #expect(
      automatic.stderr.contains(
        "payload types from the SDP of call c7bb74af-d1d3-123a-aeb8-525400123477: "
          + "102=opus/48000/2"), "\(automatic.stderr)")
    // The stream taken is the Opus one (the largest stream is video with no signalling).
    let manual = Shell.run(
      "rtpdec --stream 5 --codec 102=opus/48000/2 --format raw '\(path)'")
    #expect(manual.status == 0, "\(manual.stderr)")
    // 711 packets of 10 ms at 48 kHz, 16-bit mono.
    #expect(automatic.stdout.count == 711 * 480 * 2)
    #expect(automatic.stdout == manual.stdout)
    // The answer's direction is Opus on another payload type, 114.
    let answer = Shell.run("rtpdec --stream 6 --format raw '\(path)'")
    #expect(answer.status == 0, "\(answer.stderr)")
    #expect(answer.stderr.contains("114=opus/48000/2"), "\(answer.stderr)")
    // Video named by its SDP is refused as video, not decoded as noise.
    let video = Shell.run("rtpdec --stream 7 '\(path)' > /dev/null")
    #expect(video.status == 65)
    #expect(video.stderr.contains("video is not audio"), "\(video.stderr)")
  }

  @Test("The corpus DVI4 call over SIP/UDP names its payload type from its SDP")
  func corpusDVI4Call() throws {
    guard let path = RTPJBToolTests.corpusFile("t0_sip_rtp_dvi4.pcap") else { return }
    let run = Shell.run("rtpdec --stats '\(path)' > /dev/null")
    #expect(run.status == 0, "\(run.stderr)")
    #expect(run.stderr.contains("payload types from the SDP of call 1-2187@10.0.2.20: 5=DVI4/8000"))
    #expect(RTPJBToolTests.stats(run)["decodedPackets"] == 425)
  }

  @Test("--sdp FILE maps a capture without signalling; without it the type is unmapped")
  func sessionDescriptionFile() throws {
    let dir = Shell.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let sdp = """
      v=0\r
      o=- 1 1 IN IP4 127.0.0.1\r
      s=call\r
      c=IN IP4 127.0.0.1\r
      t=0 0\r
      m=audio 5004 RTP/AVP 97 101\r
      a=rtpmap:97 speex/16000\r
      a=rtpmap:101 telephone-event/8000\r
      a=fmtp:101 0-15\r

      """
    try sdp.write(to: dir.appendingPathComponent("call.sdp"), atomically: true, encoding: .utf8)
    let made = Shell.run(
      "rtpgen --codec speex/16000 --pt 97 --tone 1000 --duration 1 > s.pcap", in: dir)
    try #require(made.status == 0, "\(made.stderr)")
    let unmapped = Shell.run("rtpdec s.pcap > /dev/null", in: dir)
    #expect(unmapped.status == 65)
    #expect(unmapped.stderr.contains("--codec 97="), "\(unmapped.stderr)")
    let mapped = Shell.run("rtpdec --sdp call.sdp --format raw s.pcap", in: dir)
    #expect(mapped.status == 0, "\(mapped.stderr)")
    let given = Shell.run("rtpdec --codec 97=speex/16000 --format raw s.pcap", in: dir)
    #expect(mapped.stdout.count == 32000)
    #expect(mapped.stdout == given.stdout)
    // --codec still wins over the file.
    let overridden = Shell.run("rtpdec --sdp call.sdp --codec 97=speex/8000 s.pcap", in: dir)
    #expect(overridden.status == 0, "\(overridden.stderr)")
    #expect(RTPDecToolTests.wavRate(overridden.stdout) == 8000)
    let broken = Shell.run("printf 'hello\\n' > bad.sdp && rtpdec --sdp bad.sdp s.pcap", in: dir)
    #expect(broken.status == 65, "\(broken.stderr)")
    #expect(broken.stderr.split(separator: "\n").count == 1, "\(broken.stderr)")
  }
}
