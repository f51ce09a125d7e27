import Foundation
import Testing

/// `rtpstat --calls`: one row per SIP call of the capture, with its audio per direction and
/// the DTMF digits its RFC 4733 events carried.
@Suite("rtpstat --calls")
struct RTPStatCallsToolTests {
  static let wireshark = Shell.has("text2pcap") && Shell.has("mergecap")

  @Test("A SIP/UDP call made here: its row names the call, the codec and the digits dialled")
  func generatedCall() throws {
    guard Self.wireshark else { return print("skipped: no text2pcap and mergecap") }
    let dir = Shell.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let sdp = [
      "v=0", "o=alice 1 1 IN IP4 127.0.0.1", "s=call", "c=IN IP4 127.0.0.1", "t=0 0",
      "m=audio 4000 RTP/AVP 0 101", "a=rtpmap:0 PCMU/8000",
      "a=rtpmap:101 telephone-event/8000", "a=fmtp:101 0-15", "",
    ].joined(separator: "\r\n")
    let invite = [
      "INVITE sip:bob@127.0.0.1 SIP/2.0", "Via: SIP/2.0/UDP 127.0.0.2:5060;branch=z9hG4bK1",
      "From: <sip:alice@127.0.0.2>;tag=a1", "To: <sip:bob@127.0.0.1>", "Call-ID: dtmf-call-1",
      "CSeq: 1 INVITE", "Content-Type: application/sdp", "Content-Length: \(sdp.utf8.count)", "",
      sdp,
    ].joined(separator: "\r\n")
    try Data(invite.utf8).write(to: dir.appendingPathComponent("invite.txt"))
    let made = Shell.run(
      """
      now=$(date +%s)
      od -Ax -tx1 -v invite.txt > invite.hex
      text2pcap -q -u 5060,5060 -4 127.0.0.2,127.0.0.1 invite.hex sip.pcap
      rtpgen --codec pcmu --tone 440 --duration 3 --dtmf 159 --src 127.0.0.2:4002 \
        --dst 127.0.0.1:4000 --start $((now + 1)) --stats > rtp.pcap
      mergecap -F pcap -w call.pcap sip.pcap rtp.pcap
      """, in: dir)
    try #require(made.status == 0, "\(made.stderr)")
    let written = RTPJBToolTests.stats(made)["written"] ?? -1
    let table = Shell.run("rtpstat --calls call.pcap", in: dir)
    #expect(table.status == 0, "\(table.stderr)")
    #expect(table.lines.count == 2, "\(table.output)")
    let row = table.lines.last ?? ""
    for part in [
      "dtmf-call-1", "sip:alice@127.0.0.2", "sip:bob@127.0.0.1", "g711U, telephone-event", "159",
    ] {
      #expect(row.contains(part), "\(part) in \(row)")
    }
    let json = Shell.run("rtpstat --calls --json call.pcap", in: dir)
    let calls = (try? JSONSerialization.jsonObject(with: json.stdout)) as? [[String: Any]] ?? []
    try #require(calls.count == 1, "\(json.output)")
    #expect(calls[0]["dtmf"] as? String == "159")
    let directions = calls[0]["directions"] as? [[String: Any]] ?? []
    #expect(directions.count == 1)
    #expect(directions.first?["packets"] as? Int == written)
    #expect(directions.first?["dst"] as? String == "127.0.0.1:4000")
    #expect(((calls[0]["duration"] as? NSNumber)?.doubleValue ?? 0) > 3)
  }

  @Test("The corpus calls: the Cisco call's two Opus directions, the DVI4 capture's two calls")
  func corpusCalls() throws {
    guard let cisco = RTPJBToolTests.corpusFile("wss_cisco_sip_tcp_opus_h264.pcap"),
      let dvi4 = RTPJBToolTests.corpusFile("t0_sip_rtp_dvi4.pcap")
    else { return }
    let opus = Shell.run("rtpstat --calls --json '\(cisco)'")
    let opusCalls = (try? JSONSerialization.jsonObject(with: opus.stdout)) as? [[String: Any]]
    try #require(opusCalls?.count == 1, "\(opus.output)")
    #expect(opusCalls?[0]["callID"] as? String == "c7bb74af-d1d3-123a-aeb8-525400123477")
    let directions = opusCalls?[0]["directions"] as? [[String: Any]] ?? []
    #expect(directions.map { $0["codec"] as? String } == ["opus", "opus"])
    #expect(directions.map { $0["packets"] as? Int } == [711, 354])
    let calls = Shell.run("rtpstat --calls '\(dvi4)'")
    #expect(calls.status == 0)
    #expect(calls.lines.count == 3)
    #expect(calls.lines[1].contains("1-2187@10.0.2.20") && calls.lines[1].contains("DVI4 8k"))
    #expect(calls.lines[2].contains("1-2189@10.0.2.20") && calls.lines[2].contains("DVI4 16k"))
  }

  @Test("--calls and the SDP naming read a pipe as they read the file")
  func pipe() throws {
    guard let path = RTPJBToolTests.corpusFile("wss_cisco_sip_tcp_opus_h264.pcap") else { return }
    for options in ["--calls", "--json"] {
      let file = Shell.run("rtpstat \(options) '\(path)'")
      let piped = Shell.run("cat '\(path)' | rtpstat \(options)")
      #expect(piped.status == 0, "\(piped.stderr)")
      #expect(piped.stdout == file.stdout, "\(options)")
    }
  }

}
