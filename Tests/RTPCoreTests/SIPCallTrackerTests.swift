import RTPCore
import Testing

@Suite("SIP calls: offer, answer and re-INVITE")
struct SIPCallTrackerTests {
  static let alice = Endpoint("192.0.2.1:5060")!
  static let bob = Endpoint("192.0.2.2:5060")!

  static func sdp(_ address: String, port: Int, _ formats: String, _ lines: [String]) -> String {
    ([
      "v=0", "o=- 1 1 IN IP4 \(address)", "s=-", "c=IN IP4 \(address)", "t=0 0",
      "m=audio \(port) RTP/AVP \(formats)",
    ] + lines).joined(separator: "\r\n") + "\r\n"
  }

  static func message(
    _ startLine: String, cseq: String, toTag: String? = nil, body: String = "",
    at seconds: Int64, from: Endpoint, to: Endpoint
  ) throws -> CapturedSIPMessage {
    var text = "\(startLine)\r\nCall-ID: call-1\r\nFrom: <sip:alice@a>;tag=a1\r\n"
    text += "To: <sip:bob@b>" + (toTag.map { ";tag=\($0)" } ?? "") + "\r\nCSeq: \(cseq)\r\n"
    if !body.isEmpty { text += "Content-Type: application/sdp\r\n" }
    text += "Content-Length: \(body.utf8.count)\r\n\r\n\(body)"
    return CapturedSIPMessage(
      message: try SIPMessage(parsing: Array(text.utf8)), timestamp: seconds * 1_000_000_000,
      source: from, destination: to, transport: .udp)
  }

  @Test(
    "the offer binds the offerer's port, the answer the answerer's; a re-INVITE rebinds from its time"
  )
  func offerAnswerReinvite() throws {
    var tracker = SIPCallTracker()
    let offer = Self.sdp(
      "192.0.2.1", port: 4000, "96 0 101",
      ["a=rtpmap:96 opus/48000/2", "a=rtpmap:101 telephone-event/8000", "a=rtcp-mux"])
    let answer = Self.sdp("192.0.2.2", port: 6000, "0 97", ["a=rtpmap:97 telephone-event/8000"])
    let reoffer = Self.sdp("192.0.2.1", port: 4000, "8 98", ["a=rtpmap:98 telephone-event/8000"])
    tracker.add([
      try Self.message(
        "INVITE sip:bob@b SIP/2.0", cseq: "1 INVITE", body: offer, at: 10, from: Self.alice,
        to: Self.bob),
      try Self.message(
        "SIP/2.0 180 Ringing", cseq: "1 INVITE", toTag: "b1", at: 11, from: Self.bob, to: Self.alice
      ),
      try Self.message(
        "SIP/2.0 200 OK", cseq: "1 INVITE", toTag: "b1", body: answer, at: 12, from: Self.bob,
        to: Self.alice),
      try Self.message(
        "ACK sip:bob@b SIP/2.0", cseq: "1 ACK", toTag: "b1", at: 13, from: Self.alice, to: Self.bob),
      try Self.message(
        "INVITE sip:bob@b SIP/2.0", cseq: "2 INVITE", toTag: "b1", body: reoffer, at: 20,
        from: Self.alice, to: Self.bob),
      try Self.message(
        "SIP/2.0 200 OK", cseq: "2 INVITE", toTag: "b1", at: 21, from: Self.bob, to: Self.alice),
      try Self.message(
        "BYE sip:bob@b SIP/2.0", cseq: "3 BYE", toTag: "b1", at: 30, from: Self.alice, to: Self.bob),
      try Self.message(
        "SIP/2.0 200 OK", cseq: "3 BYE", toTag: "b1", at: 31, from: Self.bob, to: Self.alice),
    ])
    let call = try #require(tracker.call(withID: "call-1"))
    #expect(tracker.calls.count == 1)
    #expect(call.messageCount == 8)
    #expect(call.to?.tag == "b1")
    #expect(call.inviteTime == 10_000_000_000)
    #expect(call.provisionalTime == 11_000_000_000)
    #expect(call.answerTime == 12_000_000_000)
    #expect(call.ackTime == 13_000_000_000)
    #expect(call.reinviteTimes == [20_000_000_000])
    #expect(call.byeTime == 30_000_000_000)
    #expect(call.endTime == 31_000_000_000)
    #expect(call.media.count == 3)
    let toAlice = Endpoint("192.0.2.1:4000")!
    let toBob = Endpoint("192.0.2.2:6000")!
    let before = try #require(tracker.binding(forDestination: toAlice, at: 15_000_000_000))
    #expect(before.payloadTypeMap.format(for: 96)?.matches("opus") == true)
    #expect(before.rtcpDestination == toAlice)
    #expect(before.author == Self.alice)
    // DTMF on a dynamic type declared only in the SDP.
    let bobDTMF = tracker.binding(forDestination: toBob, at: 15_000_000_000)?.payloadTypeMap.format(
      for: 97)
    #expect(bobDTMF?.matches("telephone-event") == true)
    #expect(
      tracker.binding(forDestination: toBob, at: 15_000_000_000)?.rtcpDestination
        == Endpoint("192.0.2.2:6001"))
    // From the re-INVITE on, RTP to Alice is PCMA with DTMF on 98, and 96 means nothing.
    let after = try #require(tracker.binding(forDestination: toAlice, at: 25_000_000_000))
    #expect(after.mappings.map(\.description) == ["8=PCMA/8000", "98=telephone-event/8000"])
    #expect(after.payloadTypeMap.format(for: 96) == nil)
    #expect(
      tracker.binding(forDestination: toAlice, at: 19_999_999_999)?.mappings.first?.payloadType
        == 96)
    // Before any SDP named it, the earliest binding; an endpoint never named has none.
    #expect(tracker.binding(forDestination: toAlice, at: 0)?.since == 10_000_000_000)
    #expect(tracker.binding(forDestination: Endpoint("192.0.2.3:4000")!, at: 15_000_000_000) == nil)
    #expect(tracker.call(forDestination: toBob, at: 15_000_000_000)?.callID == "call-1")
  }

  @Test("messages without a Call-ID, bad SDP and multipart bodies are counted")
  func counted() throws {
    var tracker = SIPCallTracker()
    let noCallID = try SIPMessage(
      parsing: Array("OPTIONS sip:a SIP/2.0\r\nCSeq: 1 OPTIONS\r\n\r\n".utf8))
    tracker.add(
      CapturedSIPMessage(
        message: noCallID, timestamp: 0, source: Self.alice, destination: Self.bob, transport: .udp)
    )
    let badSDP = try SIPMessage(
      parsing: Array(
        "INVITE sip:a SIP/2.0\r\nCall-ID: x\r\nContent-Type: application/sdp\r\nContent-Length: 5\r\n\r\nhello"
          .utf8))
    tracker.add(
      CapturedSIPMessage(
        message: badSDP, timestamp: 0, source: Self.alice, destination: Self.bob, transport: .udp))
    let multipart = try SIPMessage(
      parsing: Array(
        "INVITE sip:a SIP/2.0\r\nCall-ID: y\r\nContent-Type: multipart/mixed;boundary=b\r\nContent-Length: 3\r\n\r\n--b"
          .utf8))
    tracker.add(
      CapturedSIPMessage(
        message: multipart, timestamp: 0, source: Self.alice, destination: Self.bob, transport: .udp
      ))
    #expect(tracker.messagesWithoutCallID == 1)
    #expect(tracker.malformedSessionDescriptions == 1)
    #expect(tracker.multipartBodiesSkipped == 1)
    #expect(tracker.calls.map(\.callID) == ["x", "y"])
    #expect(tracker.destinations.isEmpty)
  }

  @Test("a plain SDP file binds its media for the whole capture")
  func plainSDP() throws {
    var tracker = SIPCallTracker()
    let text = Self.sdp(
      "198.51.100.1", port: 5004, "96 13", ["a=rtpmap:96 AMR/8000", "a=fmtp:96 octet-align=1"])
    tracker.add(try SessionDescription(parsing: text), callID: "file.sdp")
    let binding = try #require(
      tracker.binding(forDestination: Endpoint("198.51.100.1:5004")!, at: 0))
    #expect(binding.mappings.map(\.description) == ["96=AMR/8000;octet-align=1", "13=CN/8000"])
    #expect(binding.callID == "file.sdp")
    #expect(
      tracker.call(forDestination: Endpoint("198.51.100.1:5004")!, at: .max)?.callID == "file.sdp")
  }
}
