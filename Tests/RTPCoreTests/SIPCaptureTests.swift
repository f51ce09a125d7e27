import RTPCore
import Testing

@Suite("SIP calls in fresh captures")
struct SIPCaptureTests {
  typealias B = CaptureBytes

  static let aliceIP: UInt32 = 0xC000_0201  // 192.0.2.1
  static let bobIP: UInt32 = 0xC000_0202  // 192.0.2.2

  static func tcpFrame(
    source: UInt32, sourcePort: UInt16, destination: UInt32, destinationPort: UInt16,
    sequence: UInt32, bytes: [UInt8]
  ) -> [UInt8] {
    let tcp =
      B.u16(sourcePort) + B.u16(destinationPort) + B.u32(sequence) + B.u32(0) + [0x50, 0x18]
      + B.u16(65535) + B.u16(0) + B.u16(0) + bytes
    return B.ethernet(
      type: 0x0800,
      payload: B.ipv4(source: source, destination: destination, proto: 6, payload: tcp))
  }

  static func udpFrame(
    source: UInt32, sourcePort: UInt16, destination: UInt32, destinationPort: UInt16,
    payload: [UInt8]
  ) -> [UInt8] {
    B.ethernet(
      type: 0x0800,
      payload: B.ipv4(
        source: source, destination: destination,
        payload: B.udp(sourcePort: sourcePort, destinationPort: destinationPort, payload: payload)))
  }

  static func rtp(_ payloadType: UInt8, sequence: UInt16) -> [UInt8] {
    [0x80, payloadType] + B.u16(sequence) + B.u32(UInt32(sequence) * 160) + B.u32(0xABCD)
      + [UInt8](repeating: 0xFF, count: 20)
  }

  static func sip(_ startLine: String, cseq: String, toTag: Bool, sdp: [String]? = nil) -> [UInt8] {
    let body = sdp.map { $0.joined(separator: "\r\n") + "\r\n" } ?? ""
    var text =
      "\(startLine)\r\nVia: SIP/2.0/TCP 192.0.2.1:40000;branch=z9hG4bK\(cseq.hashValue & 0xFFFF)\r\n"
    text +=
      "From: <sip:alice@192.0.2.1>;tag=al\r\nTo: <sip:bob@192.0.2.2>\(toTag ? ";tag=bo" : "")\r\n"
    text += "Call-ID: fresh-call@192.0.2.1\r\nCSeq: \(cseq)\r\n"
    if !body.isEmpty { text += "Content-Type: application/sdp\r\n" }
    text += "Content-Length: \(body.utf8.count)\r\n\r\n" + body
    return Array(text.utf8)
  }

  /// A call over TCP, every SIP message cut in three segments sent out of order, with a
  /// re-INVITE changing Alice's codec from Opus to PCMA, DTMF on dynamic types declared only in
  /// the SDP, and the RTP both ways.
  static func capture(overUDP: Bool = false) -> [UInt8] {
    var capture = B.pcapHeader()
    var time: UInt32 = 0
    var sequences: [Bool: UInt32] = [true: 1000, false: 9000]
    func record(_ frame: [UInt8], at milliseconds: UInt32) {
      time = max(time, milliseconds)
      capture += B.pcapRecord(seconds: time / 1000, fraction: (time % 1000) * 1000, data: frame)
    }
    func send(_ message: [UInt8], fromAlice: Bool, at milliseconds: UInt32) {
      let (source, destination) = fromAlice ? (aliceIP, bobIP) : (bobIP, aliceIP)
      let (sourcePort, destinationPort): (UInt16, UInt16) =
        fromAlice ? (40000, 5060) : (5060, 40000)
      if overUDP {
        record(
          udpFrame(
            source: source, sourcePort: 5060, destination: destination, destinationPort: 5060,
            payload: message), at: milliseconds)
        return
      }
      let first = sequences[fromAlice]!
      let third = message.count / 3
      let pieces = [
        (first &+ UInt32(third), Array(message[third..<(2 * third)])),
        (first, Array(message[..<third])),
        (first &+ UInt32(2 * third), Array(message[(2 * third)...])),
      ]
      for (index, (sequence, bytes)) in pieces.enumerated() {
        record(
          tcpFrame(
            source: source, sourcePort: sourcePort, destination: destination,
            destinationPort: destinationPort, sequence: sequence, bytes: bytes),
          at: milliseconds + UInt32(index))
      }
      sequences[fromAlice] = first &+ UInt32(message.count)
    }
    func media(toAlice: Bool, _ payloadType: UInt8, sequence: UInt16, at milliseconds: UInt32) {
      record(
        udpFrame(
          source: toAlice ? bobIP : aliceIP, sourcePort: toAlice ? 6000 : 4000,
          destination: toAlice ? aliceIP : bobIP, destinationPort: toAlice ? 4000 : 6000,
          payload: rtp(payloadType, sequence: sequence)), at: milliseconds)
    }
    let offer = [
      "v=0", "o=alice 1 1 IN IP4 192.0.2.1", "s=-", "c=IN IP4 192.0.2.1", "t=0 0",
      "m=audio 4000 RTP/AVP 96 101", "a=rtpmap:96 opus/48000/2",
      "a=rtpmap:101 telephone-event/8000",
      "a=rtcp-mux",
    ]
    let answer = [
      "v=0", "o=bob 1 1 IN IP4 192.0.2.2", "s=-", "c=IN IP4 192.0.2.2", "t=0 0",
      "m=audio 6000 RTP/AVP 0 97", "a=rtpmap:97 telephone-event/8000",
    ]
    let reoffer = [
      "v=0", "o=alice 1 2 IN IP4 192.0.2.1", "s=-", "c=IN IP4 192.0.2.1", "t=0 0",
      "m=audio 4000 RTP/AVP 8 98", "a=rtpmap:98 telephone-event/8000", "a=rtcp-mux",
    ]
    if !overUDP {
      // Alice's direction opens with its SYN; Bob's SYN was not captured.
      var syn = tcpFrame(
        source: aliceIP, sourcePort: 40000, destination: bobIP, destinationPort: 5060,
        sequence: 999, bytes: [])
      syn[14 + 20 + 13] = 0x02
      record(syn, at: 0)
    }
    send(
      sip("INVITE sip:bob@192.0.2.2 SIP/2.0", cseq: "1 INVITE", toTag: false, sdp: offer),
      fromAlice: true, at: 0)
    send(sip("SIP/2.0 180 Ringing", cseq: "1 INVITE", toTag: true), fromAlice: false, at: 100)
    send(
      sip("SIP/2.0 200 OK", cseq: "1 INVITE", toTag: true, sdp: answer), fromAlice: false, at: 1000)
    send(
      sip("ACK sip:bob@192.0.2.2 SIP/2.0", cseq: "1 ACK", toTag: true), fromAlice: true, at: 1010)
    for index in UInt16(0)..<3 {
      media(toAlice: true, 96, sequence: index, at: 2000 + UInt32(index) * 20)
      media(toAlice: false, 0, sequence: index, at: 2005 + UInt32(index) * 20)
    }
    media(toAlice: true, 101, sequence: 3, at: 2100)
    media(toAlice: false, 97, sequence: 3, at: 2105)
    send(
      sip("INVITE sip:bob@192.0.2.2 SIP/2.0", cseq: "2 INVITE", toTag: true, sdp: reoffer),
      fromAlice: true, at: 5000)
    send(
      sip("SIP/2.0 200 OK", cseq: "2 INVITE", toTag: true, sdp: answer), fromAlice: false, at: 5010)
    for index in UInt16(4)..<7 {
      media(toAlice: true, 8, sequence: index, at: 6000 + UInt32(index) * 20)
    }
    media(toAlice: true, 98, sequence: 7, at: 6200)
    send(
      sip("BYE sip:bob@192.0.2.2 SIP/2.0", cseq: "3 BYE", toTag: true), fromAlice: true, at: 9000)
    send(sip("SIP/2.0 200 OK", cseq: "3 BYE", toTag: true), fromAlice: false, at: 9500)
    return capture
  }

  @Test(
    "a call over TCP with out-of-order segments and a re-INVITE: every RTP packet read as its SDP says",
    arguments: [false, true])
  func freshCall(overUDP: Bool) throws {
    let capture = Self.capture(overUDP: overUDP)
    let (messages, reader) = try TestInput.withSource(capture) { source in
      try SIPCaptureReader.messages(in: source)
    }
    #expect(messages.count == 8)
    #expect(messages.allSatisfy { $0.transport == (overUDP ? .udp : .tcp) })
    #expect(reader.malformedMessages == 0)
    if !overUDP { #expect(reader.reassembler.outOfOrderSegments == 8) }
    var tracker = SIPCallTracker()
    tracker.add(messages)
    let call = try #require(tracker.call(withID: "fresh-call@192.0.2.1"))
    #expect(call.inviteTime == (overUDP ? 0 : 2_000_000))
    // The segment that completed each message is its third, 2 ms after the first.
    #expect(call.answerTime == (overUDP ? 1_000_000_000 : 1_002_000_000))
    #expect(call.reinviteTimes.count == 1)
    #expect(call.endTime != nil)
    let alice = Endpoint("192.0.2.1:4000")!
    #expect(tracker.binding(forDestination: alice, at: 2_000_000_000)?.rtcpDestination == alice)
    var names: [Endpoint: [String]] = [:]
    for datagram in try TestInput.datagrams(capture).datagrams
    where datagram.destination.port != 5060 {
      let binding = tracker.binding(forDestination: datagram.destination, at: datagram.timestamp)
      let format = binding?.payloadTypeMap.format(for: datagram.payload[1] & 0x7F)
      names[datagram.destination, default: []].append(format?.encodingName ?? "?")
    }
    #expect(
      names[alice]
        == ["opus", "opus", "opus", "telephone-event", "PCMA", "PCMA", "PCMA", "telephone-event"])
    #expect(names[Endpoint("192.0.2.2:6000")!] == ["PCMU", "PCMU", "PCMU", "telephone-event"])
    // 96 means nothing to Alice after the re-INVITE; 98 meant nothing before it.
    #expect(
      tracker.binding(forDestination: alice, at: 7_000_000_000)?.payloadTypeMap.format(for: 96)
        == nil)
    #expect(
      tracker.binding(forDestination: alice, at: 3_000_000_000)?.payloadTypeMap.format(for: 98)
        == nil)
  }

  @Test(
    "UDP datagrams: SIP on another port is found by its start line; RTP and garbage on 5060 are not messages"
  )
  func udpFilter() throws {
    let reader = SIPCaptureReader()
    let options = Array("OPTIONS sip:x@y SIP/2.0\r\nCall-ID: o\r\nContent-Length: 0\r\n\r\n".utf8)
    func datagram(_ payload: [UInt8], port: UInt16) -> CapturedSIPMessage? {
      payload.withUnsafeBytes { bytes in
        reader.add(
          UDPDatagram(
            timestamp: 0, source: Endpoint("192.0.2.1:7000")!,
            destination: Endpoint(address: .v4(IPv4Address(192, 0, 2, 2)), port: port),
            payload: bytes))
      }
    }
    #expect(datagram(options, port: 7070)?.message.callID == "o")
    #expect(datagram(Self.rtp(0, sequence: 1), port: 7070) == nil)
    #expect(datagram(Self.rtp(0, sequence: 1), port: 5060) == nil)
    #expect(datagram(Array("\r\n\r\n".utf8), port: 5060) == nil)
    #expect(reader.udpMessages == 1)
    // The RTP on 5060 is counted malformed; the keep-alive is not.
    #expect(reader.malformedUDPMessages == 1)
  }
}
