import RTPCore
import Testing

@Suite("SDP session descriptions")
struct SDPTests {
  /// A WebRTC-style offer: Opus with fmtp, telephone-event, PCMU, rtcp-mux, SDES keys.
  static let offer = """
    v=0\r
    o=alice 2890844526 2890844527 IN IP4 192.0.2.10\r
    s=-\r
    c=IN IP4 192.0.2.10\r
    t=0 0\r
    a=sendrecv\r
    m=audio 49170 RTP/SAVP 111 101 0\r
    a=rtpmap:111 opus/48000/2\r
    a=fmtp:111 minptime=10;useinbandfec=1\r
    a=rtpmap:101 telephone-event/48000\r
    a=fmtp:101 0-15\r
    a=ptime:20\r
    a=maxptime:60\r
    a=rtcp:49170 IN IP4 192.0.2.10\r
    a=rtcp-mux\r
    a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz|2^20|1:32\r
    a=crypto:2 AES_CM_128_HMAC_SHA1_32 inline:NzB4d1BINUAvLEw6UzF3WSJ+PSdFcGdUJShpX1Zj|2^20|1:32 KDR=1\r
    m=video 0 RTP/AVP 96\r
    a=rtpmap:96 H264/90000\r

    """

  /// The answer: LF line ends only, PCMU and telephone-event, recvonly, a media-level c=.
  static let answer = """
    v=0
    o=bob 1 1 IN IP4 198.51.100.7
    s=call
    c=IN IP4 198.51.100.7
    t=0 0
    m=audio 3456 RTP/AVP 0 101
    c=IN IP4 198.51.100.8
    a=rtpmap:101 telephone-event/8000
    a=fmtp:101 0-16
    a=recvonly

    """

  @Test("an offer is read with every attribute the signalling layer needs")
  func offerParsed() throws {
    let sdp = try SessionDescription(parsing: Self.offer)
    #expect(sdp.malformedLines == 0)
    #expect(sdp.origin?.username == "alice")
    #expect(sdp.origin?.sessionVersion == "2890844527")
    #expect(sdp.origin?.connection.ipAddress == IPAddress("192.0.2.10"))
    #expect(sdp.connection?.address == "192.0.2.10")
    #expect(sdp.direction == .sendrecv)
    #expect(sdp.media.count == 2)
    let audio = sdp.media[0]
    #expect(audio.media == "audio")
    #expect(audio.port == 49170)
    #expect(audio.portCount == 1)
    #expect(audio.proto == "RTP/SAVP")
    #expect(audio.isRTP)
    #expect(audio.formats == ["111", "101", "0"])
    #expect(audio.ptime == 20)
    #expect(audio.maxptime == 60)
    #expect(audio.rtcpMux)
    #expect(
      audio.rtcp
        == SDPRTCPAttribute(
          port: 49170, connection: SDPConnection(addressType: "IP4", address: "192.0.2.10")))
    #expect(audio.direction == .sendrecv)
    #expect(audio.crypto.count == 2)
    #expect(audio.crypto[0].tag == 1)
    #expect(audio.crypto[0].suite == "AES_CM_128_HMAC_SHA1_80")
    #expect(
      audio.crypto[0].keyParameters == "inline:WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz|2^20|1:32")
    #expect(audio.crypto[0].sessionParameters.isEmpty)
    #expect(audio.crypto[1].suite == "AES_CM_128_HMAC_SHA1_32")
    #expect(audio.crypto[1].sessionParameters == ["KDR=1"])
    #expect(
      audio.receiveEndpoint(sessionConnection: sdp.connection) == Endpoint("192.0.2.10:49170"))
    // A rejected stream (port 0) has no endpoint to receive at.
    #expect(sdp.media[1].port == 0)
    #expect(sdp.media[1].receiveEndpoint(sessionConnection: sdp.connection) == nil)
  }

  @Test("the offer's payload map names Opus with its fmtp, telephone-event and static PCMU")
  func offerPayloadMap() throws {
    let audio = try SessionDescription(parsing: Self.offer).media[0]
    let mappings = audio.payloadTypeMappings
    #expect(mappings.map(\.payloadType) == [111, 101, 0])
    #expect(mappings[0].format.encodingName == "opus")
    #expect(mappings[0].format.clockRate == 48000)
    #expect(mappings[0].format.channels == 2)
    #expect(mappings[0].format.parameters["useinbandfec"] == "1")
    #expect(mappings[0].format.parameters.integer("minptime") == 10)
    #expect(try mappings[1].format == PayloadFormat(parsing: "telephone-event/48000;0-15"))
    #expect(mappings[2].format == PayloadFormat(staticPayloadType: 0))
    let map = audio.payloadTypeMap
    #expect(map.format(for: 111)?.matches("OPUS") == true)
    // Declared at 48 kHz, not the conventional 8 kHz of type 101.
    #expect(map.format(for: 101)?.clockRate == 48000)
    #expect(map.format(for: 0)?.encodingName == "PCMU")
    #expect(map.mappedTypes == [0, 101, 111])
  }

  @Test("the answer with LF line ends: media-level c=, recvonly, static type without rtpmap")
  func answerParsed() throws {
    let sdp = try SessionDescription(parsing: Self.answer)
    #expect(sdp.malformedLines == 0)
    #expect(sdp.sessionName == "call")
    let audio = sdp.media[0]
    #expect(audio.direction == .recvonly)
    #expect(!audio.direction.sends)
    #expect(!audio.rtcpMux)
    #expect(
      audio.receiveEndpoint(sessionConnection: sdp.connection) == Endpoint("198.51.100.8:3456"))
    #expect(
      audio.payloadTypeMappings.map(\.description) == [
        "0=PCMU/8000", "101=telephone-event/8000;0-16",
      ])
    #expect(audio.unmappedPayloadTypes.isEmpty)
  }

  @Test("malformed lines are counted and skipped, never fatal")
  func malformedLines() throws {
    let text = """
      v=0
      o=too few fields
      s=-
      c=IN
      this is not a line
      x=unknown type
      m=audio 5004 RTP/AVP 0 96 97
      a=rtpmap:96 opus
      a=rtpmap:300 PCMU/8000
      a=rtpmap:97 AMR/8000
      a=ptime:abc
      a=crypto:1 AES_CM_128_HMAC_SHA1_80
      a=rtcp:notaport
      m=audio notaport RTP/AVP 0
      a=rtpmap:0 PCMU/8000
      m=video 5006 RTP/AVP 98
      a=sendonly
      """
    let sdp = try SessionDescription(parsing: text)
    // o=, c=, the bare line, x=, two rtpmaps, ptime, crypto, rtcp, the bad m= and its rtpmap.
    #expect(sdp.malformedLines == 11)
    #expect(sdp.origin == nil)
    #expect(sdp.connection == nil)
    #expect(sdp.media.count == 2)
    #expect(sdp.media[0].payloadTypeMappings.map(\.payloadType) == [0, 97])
    #expect(sdp.media[0].unmappedPayloadTypes == [96])
    #expect(sdp.media[0].crypto.isEmpty)
    #expect(sdp.media[0].ptime == nil)
    #expect(sdp.media[1].direction == .sendonly)
    // No address anywhere: no endpoint.
    #expect(sdp.media[0].receiveEndpoint(sessionConnection: sdp.connection) == nil)
  }

  @Test("text that is not SDP, or too large, is an error")
  func notSDP() {
    #expect(throws: SDPError.notSDP) { try SessionDescription(parsing: "hello\r\nv=0\r\n") }
    #expect(throws: SDPError.notSDP) { try SessionDescription(parsing: "") }
    let big = "v=0\n" + String(repeating: "a=x\n", count: 20_000)
    #expect(throws: SDPError.tooLarge(big.utf8.count)) { try SessionDescription(parsing: big) }
  }

  @Test("bounds: media descriptions and attributes past the limits are counted, not kept")
  func bounds() throws {
    var text = "v=0\nc=IN IP4 192.0.2.1\n"
    for port in 0..<70 { text += "m=audio \(10_000 + port) RTP/AVP 0\n" }
    let sdp = try SessionDescription(parsing: text)
    #expect(sdp.media.count == SessionDescription.maximumMediaDescriptions)
    #expect(sdp.malformedLines == 70 - SessionDescription.maximumMediaDescriptions)
    var many = "v=0\nm=audio 1 RTP/AVP 0\n"
    for _ in 0..<1100 { many += "a=rtcp-fb:0 nack\n" }
    let attributes = try SessionDescription(parsing: many)
    #expect(attributes.media[0].attributes.count == SessionDescription.maximumAttributes)
    #expect(attributes.malformedLines == 1100 - SessionDescription.maximumAttributes)
  }

  @Test("hostile bytes never trap")
  func hostile() {
    var generator = SystemRandomNumberGenerator()
    let alphabet = Array("v=0\r\nmac:/ 0123456789RTP/AVPIN IP4rtpmapfmtp;=\t".utf8)
    for _ in 0..<300 {
      let length = Int.random(in: 0..<400, using: &generator)
      let bytes = (0..<length).map { _ in alphabet.randomElement(using: &generator)! }
      let text = "v=0\n" + String(decoding: bytes, as: UTF8.self)
      if let sdp = try? SessionDescription(parsing: text) {
        for media in sdp.media { _ = media.payloadTypeMappings }
      }
    }
  }
}
