import RTPCore
import Testing

@Suite("SIP messages")
struct SIPMessageTests {
  static let sdp =
    "v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nc=IN IP4 192.0.2.1\r\nt=0 0\r\nm=audio 4000 RTP/AVP 96\r\na=rtpmap:96 opus/48000/2\r\n"

  static func invite(callID: String = "a84b4c76e66710@pc33.example.com", body: String = sdp)
    -> String
  {
    "INVITE sip:bob@biloxi.example.com SIP/2.0\r\n"
      + "Via: SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bK776asdhds\r\n"
      + "Max-Forwards: 70\r\n"
      + "To: Bob <sip:bob@biloxi.example.com>\r\n"
      + "From: \"Alice Liddell\" <sip:alice@atlanta.example.com>;tag=1928301774\r\n"
      + "Call-ID: \(callID)\r\n"
      + "CSeq: 314159 INVITE\r\n"
      + "Contact: <sip:alice@pc33.atlanta.example.com>\r\n"
      + "Content-Type: application/sdp\r\n"
      + "Content-Length: \(body.utf8.count)\r\n\r\n" + body
  }

  @Test("a request: request line, From and To with tags, CSeq, Content-Type, SDP body")
  func request() throws {
    let message = try SIPMessage(parsing: Array(Self.invite().utf8))
    #expect(message.startLine == .request(method: "INVITE", uri: "sip:bob@biloxi.example.com"))
    #expect(message.isRequest)
    #expect(message.callID == "a84b4c76e66710@pc33.example.com")
    #expect(message.cseq == SIPCSeq(number: 314_159, method: "INVITE"))
    #expect(message.from?.displayName == "Alice Liddell")
    #expect(message.from?.uri == "sip:alice@atlanta.example.com")
    #expect(message.from?.user == "alice")
    #expect(message.from?.tag == "1928301774")
    #expect(message.to?.tag == nil)
    #expect(message.to?.displayName == "Bob")
    #expect(message.mediaType == "application/sdp")
    #expect(message.contentLength == Self.sdp.utf8.count)
    #expect(message.body == Array(Self.sdp.utf8))
    let description = try #require(try message.sessionDescription())
    #expect(description.media.first?.payloadTypeMap.format(for: 96)?.matches("opus") == true)
  }

  @Test("a response: status line, and no SDP without a body")
  func response() throws {
    let text =
      "SIP/2.0 180 Ringing\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\nTo: <sip:bob@b>;tag=8321234356\r\n"
      + "From: <sip:alice@a>;tag=1\r\nCall-ID: x@y\r\nCSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n"
    let message = try SIPMessage(parsing: Array(text.utf8))
    #expect(message.startLine == .response(statusCode: 180, reason: "Ringing"))
    #expect(message.startLine.statusCode == 180)
    #expect(!message.isRequest)
    #expect(message.to?.tag == "8321234356")
    #expect(message.body.isEmpty)
    #expect(try message.sessionDescription() == nil)
  }

  @Test("compact header names and folded lines; LF line ends")
  func compactAndFolded() throws {
    let body = "v=0\ns=-\n"
    let text =
      "BYE sip:alice@a SIP/2.0\nv: SIP/2.0/TCP h;branch=z9hG4bK2\ni: compact@host\n"
      + "f: sip:bob@b;tag=99\nt: <sip:alice@a>\n ;tag=42\nm: <sip:bob@h>\nc: application/sdp\n"
      + "Subject: a long\n\tsubject line\nCSeq: 7\n   BYE\nl: \(body.utf8.count)\n\n" + body
    let message = try SIPMessage(parsing: Array(text.utf8))
    #expect(message.startLine.method == "BYE")
    #expect(message.callID == "compact@host")
    #expect(message["Via"] == "SIP/2.0/TCP h;branch=z9hG4bK2")
    #expect(message["v"] == "SIP/2.0/TCP h;branch=z9hG4bK2")
    #expect(message["Contact"] == "<sip:bob@h>")
    #expect(message.from?.uri == "sip:bob@b")
    #expect(message.from?.tag == "99")
    #expect(message.to?.tag == "42")
    #expect(message["subject"] == "a long subject line")
    #expect(message.cseq == SIPCSeq(number: 7, method: "BYE"))
    #expect(message.contentType == "application/sdp")
    #expect(message.contentLength == body.utf8.count)
    #expect(message.headers.map(\.name).contains("Content-Length"))
    #expect(try message.sessionDescription()?.media.isEmpty == true)
  }

  @Test("a datagram body shorter than Content-Length is refused; longer is cut to it")
  func truncatedBody() throws {
    var bytes = Array(Self.invite().utf8)
    bytes.removeLast(10)
    #expect(
      throws: SIPMessageError.truncatedBody(
        expected: Self.sdp.utf8.count, received: Self.sdp.utf8.count - 10)
    ) {
      try SIPMessage(parsing: bytes)
    }
    let padded = try SIPMessage(parsing: Array((Self.invite() + "garbage").utf8))
    #expect(padded.body == Array(Self.sdp.utf8))
  }

  @Test("malformed messages are errors, never traps")
  func malformed() {
    #expect(throws: SIPMessageError.empty) { try SIPMessage(parsing: Array("\r\n\r\n".utf8)) }
    #expect(throws: SIPMessageError.unterminatedHeaders) {
      try SIPMessage(parsing: Array("INVITE sip:a SIP/2.0\r\nCall-ID: x\r\n".utf8))
    }
    #expect(throws: SIPMessageError.malformedStartLine("HTTP/1.1 200 OK")) {
      try SIPMessage(parsing: Array("HTTP/1.1 200 OK\r\n\r\n".utf8))
    }
    #expect(throws: SIPMessageError.malformedHeader("no colon here")) {
      try SIPMessage(parsing: Array("SIP/2.0 200 OK\r\nno colon here\r\n\r\n".utf8))
    }
    #expect(throws: SIPMessageError.malformedContentLength("-5")) {
      try SIPMessage(parsing: Array("SIP/2.0 200 OK\r\nContent-Length: -5\r\n\r\n".utf8))
    }
    #expect(throws: SIPMessageError.malformedContentLength("1, 2")) {
      try SIPMessage(parsing: Array("SIP/2.0 200 OK\r\nl: 1\r\nContent-Length: 2\r\n\r\nab".utf8))
    }
    #expect(SIPStartLine(parsing: "SIP/2.0 99 Low") == nil)
    #expect(SIPStartLine(parsing: "INVITE sip:a SIP/3.0") == nil)
    #expect(SIPStartLine(parsing: "IN VITE sip:a SIP/2.0") == nil)
    var generator = SystemRandomNumberGenerator()
    let alphabet = Array("SIP/2.0 200 INVITE sip:a\r\n: l=c;tag\t0123456789".utf8)
    for _ in 0..<500 {
      let bytes = (0..<Int.random(in: 0..<300, using: &generator)).map { _ in
        alphabet.randomElement(using: &generator)!
      }
      if let message = try? SIPMessage(parsing: bytes) {
        _ = (message.from, message.to, message.cseq, try? message.sessionDescription())
      }
      var framer = SIPStreamFramer()
      framer.append(bytes)
      while framer.next() != nil {}
    }
  }

  @Test("a stream framer splits two messages in one buffer by Content-Length")
  func twoMessagesInOneBuffer() throws {
    let first = Self.invite(callID: "one")
    let second = Self.invite(callID: "two", body: "")
    var framer = SIPStreamFramer()
    framer.append(Array(("\r\n" + first + second).utf8))
    guard case .message(let a) = framer.next(), case .message(let b) = framer.next() else {
      Issue.record("expected two messages")
      return
    }
    #expect(a.callID == "one")
    #expect(a.body == Array(Self.sdp.utf8))
    #expect(b.callID == "two")
    #expect(b.body.isEmpty)
    #expect(framer.next() == nil)
    #expect(framer.bufferedByteCount == 0)
  }

  @Test("a stream framer waits for the rest of a body and of the headers, byte by byte")
  func byteByByte() throws {
    let text = Array((Self.invite() + Self.invite(callID: "b")).utf8)
    var framer = SIPStreamFramer()
    var messages: [SIPMessage] = []
    for byte in text {
      framer.append([byte])
      while let output = framer.next() {
        if case .message(let message) = output { messages.append(message) }
      }
    }
    #expect(messages.map(\.callID) == ["a84b4c76e66710@pc33.example.com", "b"])
    #expect(messages.allSatisfy { $0.body == Array(Self.sdp.utf8) })
  }

  @Test("after a resynchronisation the framer passes over bytes to the next start line")
  func resynchronize() throws {
    var framer = SIPStreamFramer()
    let message = Self.invite()
    // The tail of a message whose start was lost, then a whole one.
    let tail = String(message.dropFirst(100))
    framer.resynchronize()
    framer.append(Array((tail + message).utf8))
    guard case .message(let read) = framer.next() else {
      Issue.record("expected the whole message")
      return
    }
    #expect(read.body == Array(Self.sdp.utf8))
    #expect(framer.bytesDiscarded == tail.utf8.count)
    // Garbage that is not a start line is reported malformed and passed over.
    framer.append(Array("GARBAGE LINE\r\n\r\n".utf8) + Array(message.utf8))
    #expect(framer.next() == .malformed(.malformedStartLine("GARBAGE LINE")))
    guard case .message = framer.next() else {
      Issue.record("expected the message after the garbage")
      return
    }
  }
}
