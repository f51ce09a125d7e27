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

extension RTPDecSignallingToolTests {
  /// A SIP message over UDP from 127.0.0.2 to 127.0.0.1, with `sdp` as its body.
  static func message(_ startLine: String, cseq: String, toTag: Bool, sdp: [String]) -> String {
    let body = sdp.joined(separator: "\r\n") + "\r\n"
    return [
      startLine, "Via: SIP/2.0/UDP 127.0.0.2:5060;branch=z9hG4bK\(cseq.count)",
      "From: <sip:alice@127.0.0.2>;tag=a1", "To: <sip:bob@127.0.0.1>" + (toTag ? ";tag=b1" : ""),
      "Call-ID: reinvite-1", "CSeq: \(cseq)", "Content-Type: application/sdp",
      "Content-Length: \(body.utf8.count)", "", body,
    ].joined(separator: "\r\n")
  }

  @Test("A re-INVITE that moves the stream to a new payload type: both types decode")
  func reinvite() throws {
    guard Shell.has("text2pcap") && Shell.has("mergecap") else {
      return print("skipped: no text2pcap and mergecap")
    }
    let dir = Shell.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    func sdp(_ type: Int) -> [String] {
      [
        "v=0", "o=alice 1 \(type) IN IP4 127.0.0.1", "s=call", "c=IN IP4 127.0.0.1", "t=0 0",
        "m=audio 4000 RTP/AVP \(type)", "a=rtpmap:\(type) L16/8000",
      ]
    }
    try Data(
      Self.message("INVITE sip:bob@127.0.0.1 SIP/2.0", cseq: "1 INVITE", toTag: false, sdp: sdp(96))
        .utf8
    ).write(to: dir.appendingPathComponent("invite.txt"))
    try Data(
      Self.message("INVITE sip:bob@127.0.0.1 SIP/2.0", cseq: "2 INVITE", toTag: true, sdp: sdp(97))
        .utf8
    ).write(to: dir.appendingPathComponent("reinvite.txt"))
    // One second of L16 on PT 96, then, after the re-INVITE, one on PT 97: one SSRC, one
    // sequence, the timestamps running on.
    let made = Shell.run(
      """
      now=$(date +%s)
      od -Ax -tx1 -v invite.txt > invite.hex
      text2pcap -q -u 5060,5060 -4 127.0.0.2,127.0.0.1 invite.hex invite.pcap
      od -Ax -tx1 -v reinvite.txt > reinvite.hex
      text2pcap -q -u 5060,5060 -4 127.0.0.2,127.0.0.1 reinvite.hex reinvite.pcap
      rtpgen --codec L16/8000 --pt 96 --tone 440 --duration 1 --src 127.0.0.2:4002 \
        --dst 127.0.0.1:4000 --ssrc 7 --seq 100 --ts 0 --start $((now + 1)) > a.pcap
      rtpgen --codec L16/8000 --pt 97 --tone 440 --duration 1 --src 127.0.0.2:4002 \
        --dst 127.0.0.1:4000 --ssrc 7 --seq 150 --ts 8000 --start $((now + 2)) > b.pcap
      mergecap -F pcap -w call.pcap invite.pcap reinvite.pcap a.pcap b.pcap
      rtpdec --stats --format raw call.pcap > out.raw
      """, in: dir)
    #expect(made.status == 0, "\(made.stderr)")
    #expect(RTPJBToolTests.stats(made)["decodedPackets"] == 100, "\(made.stderr)")
    let samples = AudioTool.samples(try Data(contentsOf: dir.appendingPathComponent("out.raw")))
    #expect(samples.count == 16000)
  }
}
