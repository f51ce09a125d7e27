import RTPCore
import Testing

@testable import RTPBase
@testable import RTPPackets

@Suite("RTP packets: parsing, validation and serialisation")
struct RTPPacketTests {
  static let minimal: [UInt8] = [
    0x80, 0x80, 0x12, 0x34, 0xDE, 0xAD, 0xBE, 0xEF, 0x01, 0x02, 0x03, 0x04, 0xAA, 0xBB,
  ]

  @Test("A minimal packet's fields read back")
  func minimalFields() throws {
    try Self.minimal.withUnsafeBytes { bytes in
      let packet = try RTPPacket(validating: bytes)
      #expect(packet.marker)
      #expect(packet.payloadType == 0)
      #expect(packet.sequenceNumber == 0x1234)
      #expect(packet.timestamp == 0xDEAD_BEEF)
      #expect(packet.ssrc == 0x0102_0304)
      #expect(packet.csrcCount == 0)
      #expect(Array(packet.payload) == [0xAA, 0xBB])
      #expect(packet.extensionBytes == nil)
    }
  }

  @Test("A header with CSRCs, a one-byte extension and padding survives a round trip")
  func roundTrip() throws {
    let header = RTPHeader(
      marker: false, payloadType: 96, sequenceNumber: 65535, timestamp: 7, ssrc: 0xCAFE_F00D,
      csrcs: [1, 2, 3],
      headerExtension: try RTPHeaderExtension(oneByteElements: [
        .init(id: 1, data: [0x42]), .init(id: 14, data: Array(0..<16)),
      ]))
    let bytes = try header.serialized(payload: [9, 8, 7], paddingLength: 5)
    #expect(bytes.count == header.length + 3 + 5)
    try bytes.withUnsafeBytes { raw in
      let packet = try RTPPacket(validating: raw)
      #expect(packet.header == header)
      #expect(Array(packet.payload) == [9, 8, 7])
      #expect(packet.paddingLength == 5)
      let elements = try packet.header.headerExtension!.elements()
      #expect(elements == [.init(id: 1, data: [0x42]), .init(id: 14, data: Array(0..<16))])
    }
  }

  @Test("Two-byte extension elements round-trip, zero-length ones included")
  func twoByteElements() throws {
    let elements: [RTPHeaderExtensionElement] = [
      .init(id: 200, data: []), .init(id: 1, data: Array(repeating: 7, count: 255)),
    ]
    let ext = try RTPHeaderExtension(twoByteElements: elements, appBits: 3)
    #expect(ext.form == .twoByte(appBits: 3))
    #expect(ext.data.count % 4 == 0)
    #expect(try ext.elements() == elements)
  }

  @Test("One-byte elements stop at ID 15 and skip padding")
  func oneByteStop() throws {
    let ext = RTPHeaderExtension(profile: 0xBEDE, data: [0, 0x10, 0x55, 0xF0, 0x20, 0x66, 0, 0])
    #expect(try ext.elements() == [.init(id: 1, data: [0x55])])
  }

  @Test("A one-byte-form octet with ID 0 is padding whatever its length bits say")
  func idZeroIsPadding() throws {
    let ext = RTPHeaderExtension(profile: 0xBEDE, data: [0x05, 0x10, 0x55, 0x00])
    #expect(try ext.elements() == [.init(id: 1, data: [0x55])])
  }

  @Test("An element running past the extension's end is an error")
  func elementPastEnd() {
    let ext = RTPHeaderExtension(profile: 0xBEDE, data: [0x13, 1, 2, 0])
    #expect(throws: RTPParseError.extensionElementPastEnd(id: 1, length: 4, available: 3)) {
      try ext.elements()
    }
  }

  @Test("Elements a form cannot carry are refused when building")
  func elementLimits() {
    #expect(throws: RTPSerializationError.self) {
      try RTPHeaderExtension(oneByteElements: [.init(id: 15, data: [1])])
    }
    #expect(throws: RTPSerializationError.self) {
      try RTPHeaderExtension(oneByteElements: [.init(id: 1, data: Array(repeating: 0, count: 17))])
    }
    #expect(throws: RTPSerializationError.self) {
      try RTPHeaderExtension(twoByteElements: [.init(id: 0, data: [])])
    }
  }

  @Test(
    "Invalid packets are refused with the reason",
    arguments: [
      ([0x80, 0x00, 0x00], RTPParseError.tooShort(length: 3)),
      ([0x40, 0x00, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], .badVersion(1)),
      ([0x80, 200, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0], .rtcp(packetType: 200)),
      ([0x80, 0xC9, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0], .rtcp(packetType: 201)),
      ([0x82, 0x00, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3, 4], .csrcPastEnd(count: 2, length: 16)),
      (
        [0x90, 0x00, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xBE, 0xDE],
        .extensionPastEnd(declaredBytes: 4, available: 2)
      ),
      (
        [0x90, 0x00, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xBE, 0xDE, 0xFF, 0xFF],
        .extensionPastEnd(declaredBytes: 262_144, available: 4)
      ),
      ([0xA0, 0x00, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0], .zeroPadding),
      (
        [0xA0, 0x00, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 3], .paddingTooLong(padding: 3, available: 2)
      ),
      ([0xA0, 0x00, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], .paddingTooLong(padding: 1, available: 0)),
    ] as [([UInt8], RTPParseError)])
  func rejects(bytes: [UInt8], expected: RTPParseError) {
    _ = bytes.withUnsafeBytes { raw in
      #expect(throws: expected) { try RTPPacket(validating: raw) }
    }
  }

  @Test(
    "RTCP is told from RTP by the second octet (RFC 5761)",
    arguments: [
      (UInt8(200), RTPPacketKind.rtcp), (201, .rtcp), (202, .rtcp), (203, .rtcp), (204, .rtcp),
      (192, .rtcp), (223, .rtcp), (0x80 | 63, .rtp), (0x80 | 71, .rtcp), (0x80 | 96, .rtp),
      (72, .rtp), (0, .rtp),
      (0x7F, .rtp),
    ])
  func classification(second: UInt8, expected: RTPPacketKind) {
    let bytes: [UInt8] = [0x80, second, 0, 0]
    bytes.withUnsafeBytes { #expect(RTPPacketKind(classifying: $0) == expected) }
  }

  @Test("Version 0 and short datagrams are neither RTP nor RTCP")
  func classificationOther() {
    [UInt8]([0x00, 200, 0, 0]).withUnsafeBytes { #expect(RTPPacketKind(classifying: $0) == .other) }
    [UInt8]([0x80]).withUnsafeBytes { #expect(RTPPacketKind(classifying: $0) == .other) }
  }

  @Test("Serialising into a buffer that is too small says how much is needed")
  func bufferTooSmall() {
    let header = RTPHeader(payloadType: 0, sequenceNumber: 1, timestamp: 2, ssrc: 3)
    var buffer = [UInt8](repeating: 0, count: 11)
    _ = buffer.withUnsafeMutableBytes { raw in
      #expect(throws: RTPSerializationError.bufferTooSmall(needed: 12, available: 11)) {
        try header.serialize(into: raw)
      }
    }
  }

  @Test("Headers the wire cannot carry are refused")
  func serialisationLimits() {
    let tooMany = RTPHeader(
      payloadType: 0, sequenceNumber: 0, timestamp: 0, ssrc: 0,
      csrcs: Array(repeating: 1, count: 16))
    #expect(throws: RTPSerializationError.tooManyCSRCs(16)) { try tooMany.serialized() }
    let badType = RTPHeader(payloadType: 128, sequenceNumber: 0, timestamp: 0, ssrc: 0)
    #expect(throws: RTPSerializationError.payloadTypeOutOfRange(128)) { try badType.serialized() }
    let unaligned = RTPHeader(
      payloadType: 0, sequenceNumber: 0, timestamp: 0, ssrc: 0,
      headerExtension: RTPHeaderExtension(profile: 1, data: [1, 2, 3]))
    #expect(throws: RTPSerializationError.extensionLength(3)) { try unaligned.serialized() }
    let header = RTPHeader(payloadType: 0, sequenceNumber: 0, timestamp: 0, ssrc: 0)
    #expect(throws: RTPSerializationError.paddingOutOfRange(256)) {
      try header.serialized(paddingLength: 256)
    }
  }

  @Test("Parsing any 16-byte prefix never traps")
  func exhaustivePrefixes() {
    var generator = SplitMix64(seed: 42)
    for _ in 0..<20_000 {
      let length = Int.random(in: 0...24, using: &generator)
      var bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
      if !bytes.isEmpty { bytes[0] = 0x80 | (bytes[0] & 0x3F) }
      bytes.withUnsafeBytes { raw in
        if let packet = try? RTPPacket(validating: raw) {
          #expect(packet.headerLength + packet.paddingLength <= raw.count)
        }
      }
    }
  }
}
