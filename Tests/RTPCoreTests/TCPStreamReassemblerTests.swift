import RTPCore
import Testing

@Suite("TCP stream reassembly of SIP")
struct TCPStreamReassemblerTests {
  typealias B = CaptureBytes

  static let client = Endpoint("192.0.2.1:40000")!
  static let server = Endpoint("192.0.2.2:5060")!

  static func message(_ callID: String, bodyBytes: Int = 40) -> [UInt8] {
    let body = String(repeating: "x", count: bodyBytes)
    return Array(
      ("OPTIONS sip:b@192.0.2.2 SIP/2.0\r\nCall-ID: \(callID)\r\nCSeq: 1 OPTIONS\r\n"
        + "Content-Type: text/plain\r\nContent-Length: \(bodyBytes)\r\n\r\n\(body)").utf8)
  }

  /// Feeds `(sequence, bytes)` segments in the order given; returns the Call-IDs read.
  static func feed(
    _ reassembler: TCPStreamReassembler, _ segments: [(UInt32, [UInt8])],
    source: Endpoint = client, destination: Endpoint = server, time: Int64 = 0,
    finish: Bool = true
  ) -> [String] {
    var messages: [CapturedSIPMessage] = []
    for (index, (sequence, bytes)) in segments.enumerated() {
      bytes.withUnsafeBytes { payload in
        messages += reassembler.add(
          TCPSegment(
            timestamp: time + Int64(index), source: source, destination: destination,
            sequenceNumber: sequence, payload: payload))
      }
    }
    if finish { messages += reassembler.finish() }
    return messages.compactMap(\.message.callID)
  }

  /// `stream` cut into pieces of `size` bytes from sequence number `first`.
  static func segments(_ stream: [UInt8], size: Int, first: UInt32) -> [(UInt32, [UInt8])] {
    stride(from: 0, to: stream.count, by: size).map { offset in
      (first &+ UInt32(offset), Array(stream[offset..<min(offset + size, stream.count)]))
    }
  }

  @Test("segments in order, across a sequence-number wrap, give the messages")
  func inOrder() {
    let stream = Self.message("a") + Self.message("b") + Self.message("c")
    let reassembler = TCPStreamReassembler()
    let ids = Self.feed(reassembler, Self.segments(stream, size: 37, first: UInt32.max - 100))
    #expect(ids == ["a", "b", "c"])
    #expect(reassembler.gaps == 0)
    #expect(reassembler.messagesRead == 3)
  }

  @Test("segments out of order, duplicated and overlapping are put back in order")
  func outOfOrderDuplicatedOverlapping() {
    let stream = Self.message("a") + Self.message("b") + Self.message("c")
    var pieces = Self.segments(stream, size: 50, first: 1000)
    pieces.swapAt(1, 3)
    pieces.swapAt(2, 5)
    // A retransmission of the first piece, and one that overlaps the second and third.
    pieces.insert(pieces[0], at: 4)
    pieces.append((1000 + 70, Array(stream[70..<130])))
    let reassembler = TCPStreamReassembler()
    let ids = Self.feed(reassembler, pieces)
    #expect(ids == ["a", "b", "c"])
    #expect(reassembler.gaps == 0)
    #expect(reassembler.outOfOrderSegments > 0)
    #expect(reassembler.retransmittedSegments + reassembler.overlappingSegments >= 2)
    #expect(reassembler.bytesHeld == 0)
  }

  @Test("a gap drops the message it cut and resynchronises at the next start line")
  func gap() {
    let a = Self.message("a")
    let b = Self.message("b")
    let c = Self.message("c")
    let stream = a + b + c
    // Lose 30 bytes in the middle of b.
    let lostStart = a.count + 20
    let pieces: [(UInt32, [UInt8])] = [
      (0, Array(stream[0..<lostStart])),
      (UInt32(lostStart + 30), Array(stream[(lostStart + 30)...])),
    ]
    let reassembler = TCPStreamReassembler()
    let ids = Self.feed(reassembler, pieces, finish: false)
    // Nothing past the gap until it is given up on.
    #expect(ids == ["a"])
    let rest = reassembler.finish().compactMap(\.message.callID)
    #expect(rest == ["c"])
    #expect(reassembler.gaps == 1)
    #expect(reassembler.bytesLost == 30)
  }

  @Test("a gap is given up on after the timeout in capture time")
  func gapTimeout() {
    let a = Self.message("a")
    let b = Self.message("b")
    let reassembler = TCPStreamReassembler(gapTimeout: 1_000_000_000)
    var ids: [String] = []
    b.withUnsafeBytes { payload in
      ids += reassembler.add(
        TCPSegment(
          timestamp: 0, source: Self.client, destination: Self.server, sequenceNumber: 10,
          payload: payload)
      ).compactMap(\.message.callID)
    }
    a.withUnsafeBytes { payload in
      ids += reassembler.add(
        TCPSegment(
          timestamp: 0, source: Self.client, destination: Self.server,
          sequenceNumber: 10 + UInt32(b.count) + 500, payload: payload)
      ).compactMap(\.message.callID)
    }
    #expect(ids == ["b"])
    let late = Self.message("late")
    late.withUnsafeBytes { payload in
      ids += reassembler.add(
        TCPSegment(
          timestamp: 2_000_000_000, source: Self.client, destination: Self.server,
          sequenceNumber: 10 + UInt32(b.count) + 500 + UInt32(a.count), payload: payload)
      ).compactMap(\.message.callID)
    }
    #expect(ids == ["b", "a", "late"])
    #expect(reassembler.gaps == 1)
  }

  @Test("memory is bounded per flow and over all flows; the oldest flow is evicted")
  func memoryBound() {
    let reassembler = TCPStreamReassembler(
      maxBytesPerFlow: 8192, maxTotalBytes: 16384, maxFlows: 3)
    // Out-of-order data on one flow past its bound: gaps are taken, memory stays bounded.
    var pieces: [(UInt32, [UInt8])] = []
    for index in 0..<40 {
      pieces.append((UInt32(1 + index * 2000), [UInt8](repeating: 65, count: 1000)))
    }
    _ = Self.feed(
      reassembler, [(0, Array("INVITE sip:x SIP/2.0\r\n".utf8))] + pieces, finish: false)
    #expect(reassembler.bytesHeld <= 8192)
    #expect(reassembler.gaps > 0)
    // Five flows with a message each in progress: only three are kept.
    for port in UInt16(41000)..<41005 {
      let partial = Array(Self.message("p\(port)").prefix(60))
      _ = Self.feed(
        reassembler, [(0, partial)], source: Endpoint(address: Self.client.address, port: port),
        time: Int64(port), finish: false)
    }
    #expect(reassembler.flowCount == 3)
    #expect(reassembler.flowsEvicted >= 2)
    #expect(reassembler.bytesHeld <= 16384)
  }

  @Test("a flow on another port is followed only when it starts like SIP")
  func portFilter() {
    let reassembler = TCPStreamReassembler()
    let other = Endpoint("192.0.2.2:8080")!
    let http = Array("GET / HTTP/1.1\r\nHost: x\r\n\r\n".utf8)
    #expect(Self.feed(reassembler, [(0, http)], destination: other).isEmpty)
    #expect(Self.feed(reassembler, [(0, Self.message("sip"))], destination: other) == ["sip"])
  }

  @Test("SIP over TCP from a capture: Ethernet, IPv4 and TCP decoded, segments reordered")
  func fromCapture() throws {
    let stream = Self.message("captured") + Self.message("second")
    let pieces = Self.segments(stream, size: 60, first: 5000).reversed()
    var capture = B.pcapHeader()
    var time: UInt32 = 1
    for (sequence, bytes) in [(UInt32(4999), [UInt8]())] + Array(pieces) {
      let tcp =
        B.u16(40000) + B.u16(5060) + B.u32(sequence) + B.u32(0)
        + [0x50, bytes.isEmpty ? 0x02 : 0x18] + B.u16(65535) + B.u16(0) + B.u16(0) + bytes
      let frame = B.ethernet(
        type: 0x0800,
        payload: B.ipv4(source: 0xC000_0201, destination: 0xC000_0202, proto: 6, payload: tcp))
      capture += B.pcapRecord(seconds: time, fraction: 0, data: frame)
      time += 1
    }
    // And one SIP datagram over UDP.
    let udp = B.ethernet(
      type: 0x0800,
      payload: B.ipv4(
        payload: B.udp(sourcePort: 5060, destinationPort: 5060, payload: Self.message("udp"))))
    capture += B.pcapRecord(seconds: time, fraction: 0, data: udp)
    let (messages, reader) = try TestInput.withSource(capture) { source in
      try SIPCaptureReader.messages(in: source)
    }
    #expect(messages.map(\.message.callID) == ["captured", "second", "udp"])
    #expect(messages.map(\.transport) == [.tcp, .tcp, .udp])
    #expect(messages[0].source == Self.client)
    #expect(messages[0].destination == Self.server)
    #expect(reader.tcpMessages == 2)
    #expect(reader.udpMessages == 1)
    #expect(reader.malformedMessages == 0)
  }

  @Test("TCP segments over IPv6 and 802.1Q Ethernet decode; UDP, fragments and cut headers do not")
  func segmentDecoding() throws {
    let tcp =
      B.u16(5060) + B.u16(40000) + B.u32(77) + B.u32(0) + [0x60, 0x11] + B.u16(1) + B.u16(0)
      + B.u16(0) + [2, 4, 5, 180] + Array("SIP/2.0 200 OK\r\n".utf8)
    let decoder = DatagramDecoder()
    func decode(_ bytes: [UInt8], _ linkType: LinkType) -> (TCPSegment, [UInt8])? {
      bytes.withUnsafeBytes { raw in
        decoder.tcpSegment(
          CaptureRecord(
            index: 1, offset: 0, timestamp: 5, linkType: linkType, originalLength: raw.count,
            bytes: raw)
        ).map { ($0, Array($0.payload)) }
      }
    }
    let v6 = try #require(decode(B.ipv6(nextHeader: 6, payload: tcp), .raw))
    #expect(v6.0.source.port == 5060)
    #expect(v6.0.source.address.isIPv6)
    #expect(v6.0.sequenceNumber == 77)
    #expect(v6.0.isFIN)
    #expect(!v6.0.isSYN)
    // A 24-byte header (one option): the payload starts after it.
    #expect(v6.1 == Array("SIP/2.0 200 OK\r\n".utf8))
    let tagged = B.ethernet(type: 0x0800, tags: [0x8100], payload: B.ipv4(proto: 6, payload: tcp))
    #expect(decode(tagged, .ethernet)?.1 == Array("SIP/2.0 200 OK\r\n".utf8))
    #expect(decode(B.ipv4(proto: 17, payload: tcp), .raw) == nil)
    #expect(decode(B.ipv4(proto: 6, moreFragments: true, payload: tcp), .raw) == nil)
    #expect(decode(B.ipv4(proto: 6, payload: Array(tcp.prefix(19))), .raw) == nil)
    // A data offset pointing past the segment.
    var bad = tcp
    bad[12] = 0xF0
    #expect(decode(B.ipv4(proto: 6, payload: bad), .raw) == nil)
  }

  @Test("hostile TCP bytes never trap the segment decoder")
  func hostileSegments() {
    var generator = SystemRandomNumberGenerator()
    let decoder = DatagramDecoder()
    for _ in 0..<2000 {
      var bytes = B.ethernet(type: 0x0800, payload: B.ipv4(proto: 6, payload: []))
      bytes += (0..<Int.random(in: 0..<80, using: &generator)).map { _ in
        UInt8.random(in: 0...255, using: &generator)
      }
      if Bool.random(using: &generator) { bytes[14] = 0x60 | (bytes[14] & 0x0F) }
      bytes[14 + 9] = 6
      bytes.withUnsafeBytes { raw in
        let record = CaptureRecord(
          index: 1, offset: 0, timestamp: 0, linkType: .ethernet, originalLength: raw.count,
          bytes: raw)
        _ = decoder.tcpSegment(record)
      }
    }
  }
}
