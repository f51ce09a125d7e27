import RTPCore
import Testing

@Suite("RTCP compound read in place")
struct RTCPCompoundViewTests {
  static let block = RTCPPacketTests.block
  static let compound = RTCPCompound([
    .senderReport(
      RTCPSenderReport(
        ssrc: 0xDEAD_BEEF, ntpTimestamp: NTPTimestamp(rawValue: 0xE000_0000_8000_0000),
        rtpTimestamp: 160_000, packetCount: 1000, octetCount: 160_000,
        reports: [block, RTCPReportBlock(ssrc: 9, cumulativeLost: 5)],
        profileExtension: [1, 2, 3, 4])),
    .receiverReport(RTCPReceiverReport(ssrc: 5)),
    .sourceDescription(RTCPPacketTests.description),
    .applicationDefined(
      RTCPApplicationDefined(subtype: 3, ssrc: 9, name: "TEST", data: [1, 2, 3, 4])),
    .other(RTCPOtherPacket(packetType: 205, count: 1, body: [0, 0, 0, 1])),
    .goodbye(RTCPGoodbye(sources: [0xDEAD_BEEF, 7], reason: "end of call")),
  ])

  /// Validates `bytes` as a view and as values; both must agree, and when valid every field
  /// of the view is read (a trap here is a failure) and equals the values'.
  private func verdict(_ bytes: [UInt8]) -> Result<RTCPCompound, RTCPParseError> {
    bytes.withUnsafeBytes { raw in
      let values = Result { () throws(RTCPParseError) in try RTCPCompound(parsing: raw) }
      let view = Result { () throws(RTCPParseError) in try RTCPCompoundView(validating: raw) }
      switch (view, values) {
      case (.success(let view), .success(let values)):
        #expect(RTCPCompound(view) == values)
        #expect(Self.read(view) == Self.read(values))
      case (.failure(let viewError), .failure(let valuesError)):
        #expect(viewError == valuesError)
      default:
        Issue.record("view and values disagree on \(bytes)")
      }
      return values
    }
  }

  /// Every field, in order, as numbers: from the view's accessors.
  private static func read(_ view: RTCPCompoundView) -> [UInt64] {
    var fields: [UInt64] = []
    for packet in view {
      fields += [UInt64(packet.packetType), UInt64(packet.count)]
      switch packet.packetType {
      case RTCPSenderReport.packetType, RTCPReceiverReport.packetType:
        fields.append(UInt64(packet.ssrc))
        if packet.packetType == RTCPSenderReport.packetType {
          fields += [
            packet.ntpTimestamp.rawValue, UInt64(packet.rtpTimestamp),
            UInt64(packet.packetCount), UInt64(packet.octetCount),
          ]
        }
        for block in packet.reportBlocks { fields += Self.fields(of: block) }
        fields += packet.profileExtension.map(UInt64.init)
      case RTCPSourceDescription.packetType:
        for chunk in packet.sourceDescriptionChunks {
          fields.append(UInt64(chunk.ssrc))
          for item in chunk { fields += [UInt64(item.type)] + item.value.map(UInt64.init) }
        }
      case RTCPGoodbye.packetType:
        fields += packet.goodbyeSources.map(UInt64.init)
        fields += packet.goodbyeReason.map { [UInt64($0.count)] + $0.map(UInt64.init) } ?? []
      case RTCPApplicationDefined.packetType:
        fields.append(UInt64(packet.ssrc))
        fields += (Array(packet.applicationName) + Array(packet.applicationData)).map(UInt64.init)
      default:
        fields += packet.body.map(UInt64.init)
      }
    }
    return fields
  }

  /// The same fields from the values.
  private static func read(_ compound: RTCPCompound) -> [UInt64] {
    var fields: [UInt64] = []
    for packet in compound.packets {
      switch packet {
      case .senderReport(let report):
        fields += [UInt64(200), UInt64(report.reports.count), UInt64(report.ssrc)]
        fields += [
          report.ntpTimestamp.rawValue, UInt64(report.rtpTimestamp), UInt64(report.packetCount),
          UInt64(report.octetCount),
        ]
        for block in report.reports { fields += Self.fields(of: block) }
        fields += report.profileExtension.map(UInt64.init)
      case .receiverReport(let report):
        fields += [UInt64(201), UInt64(report.reports.count), UInt64(report.ssrc)]
        for block in report.reports { fields += Self.fields(of: block) }
        fields += report.profileExtension.map(UInt64.init)
      case .sourceDescription(let description):
        fields += [UInt64(202), UInt64(description.chunks.count)]
        for chunk in description.chunks {
          fields.append(UInt64(chunk.ssrc))
          for item in chunk.items { fields += [UInt64(item.type)] + item.value.map(UInt64.init) }
        }
      case .goodbye(let goodbye):
        fields += [UInt64(203), UInt64(goodbye.sources.count)] + goodbye.sources.map(UInt64.init)
        fields += goodbye.reason.map { [UInt64($0.count)] + $0.map(UInt64.init) } ?? []
      case .applicationDefined(let app):
        fields += [UInt64(204), UInt64(app.subtype), UInt64(app.ssrc)]
        fields += (app.name + app.data).map(UInt64.init)
      case .other(let other):
        fields += [UInt64(other.packetType), UInt64(other.count)] + other.body.map(UInt64.init)
      }
    }
    return fields
  }

  private static func fields(of block: RTCPReportBlock) -> [UInt64] {
    [
      UInt64(block.ssrc), UInt64(block.fractionLost),
      UInt64(UInt32(bitPattern: block.cumulativeLost)), UInt64(block.extendedHighestSequence),
      UInt64(block.jitter), UInt64(block.lastSenderReport),
      UInt64(block.delaySinceLastSenderReport),
    ]
  }

  @Test("every packet type's fields read in place equal the parsed values")
  func fieldsInPlace() throws {
    let bytes = try Self.compound.serialized()
    #expect(try verdict(bytes).get() == Self.compound)
    try bytes.withUnsafeBytes { raw in
      let view = try RTCPCompoundView(validating: raw)
      let packets = Array(view)
      #expect(packets.map(\.packetType) == [200, 201, 202, 204, 205, 203])
      var offsets: [Int] = []
      var offset = 0
      for packet in Self.compound.packets {
        offsets.append(offset)
        offset += packet.serializedLength
      }
      #expect(packets.map(\.offset) == offsets)
      let sender = packets[0]
      #expect(sender.ssrc == 0xDEAD_BEEF)
      #expect(sender.ntpTimestamp == NTPTimestamp(rawValue: 0xE000_0000_8000_0000))
      #expect(
        Array(sender.reportBlocks) == [Self.block, RTCPReportBlock(ssrc: 9, cumulativeLost: 5)])
      #expect(Array(sender.profileExtension) == [1, 2, 3, 4])
      #expect(packets[1].reportBlocks.isEmpty && packets[1].profileExtension.isEmpty)
      let chunks = Array(packets[2].sourceDescriptionChunks)
      #expect(chunks.map(\.ssrc) == [0xDEAD_BEEF, 7])
      #expect(chunks[0].cname.map { Array($0) } == Array("alice@192.0.2.1".utf8))
      #expect(chunks[0].tool.map { String(decoding: $0, as: UTF8.self) } == "rtpsynth")
      #expect(chunks[0].map(\.type) == [1, 6, 7, 99])
      #expect(chunks[1].cname == nil && chunks[1].underestimatedCount == 0)
      #expect(
        packets[3].count == 3
          && String(decoding: packets[3].applicationName, as: UTF8.self) == "TEST")
      #expect(Array(packets[4].body) == [0, 0, 0, 1])
      #expect(Array(packets[5].goodbyeSources) == [0xDEAD_BEEF, 7])
      #expect(packets[5].goodbyeReason.map { String(decoding: $0, as: UTF8.self) } == "end of call")
    }
  }

  @Test("padding on the last packet is not part of it")
  func padding() throws {
    var bytes = try RTCPCompound([
      .receiverReport(RTCPReceiverReport(ssrc: 1)), .goodbye(RTCPGoodbye(sources: [1])),
    ]).serialized()
    bytes[8] |= 0x20
    bytes[11] += 1
    bytes += [0, 0, 0, 4]
    bytes.withUnsafeBytes { raw in
      guard let view = try? RTCPCompoundView(validating: raw) else {
        Issue.record("padded compound refused")
        return
      }
      let bye = Array(view)[1]
      #expect(bye.bytes.count == 8 && bye.goodbyeReason == nil)
    }
    #expect(
      try verdict(bytes).get().packets == [
        .receiverReport(RTCPReceiverReport(ssrc: 1)), .goodbye(RTCPGoodbye(sources: [1])),
      ])
  }

  static let rr: [UInt8] = [0x80, 201, 0, 1, 0, 0, 0, 1]

  @Test(
    "malformed compounds are the same typed error read in place as parsed into values",
    arguments: [
      // An SR claiming one report block, with room for the sender info only.
      (
        [0x81, 200, 0, 6] + [UInt8](repeating: 0, count: 24),
        .bodyTooShort(offset: 0, packetType: 200)
      ),
      // An RR claiming 31 blocks in one word.
      ([0x9F, 201, 0, 1, 0, 0, 0, 1], .bodyTooShort(offset: 0, packetType: 201)),
      // An RR with one block cut short by its length field.
      (
        [0x81, 201, 0, 6] + [UInt8](repeating: 0, count: 24),
        .bodyTooShort(offset: 0, packetType: 201)
      ),
      // Length lies: 2 words declared, 1 present.
      ([0x80, 201, 0, 2, 0, 0, 0, 1], .lengthPastEnd(offset: 0, declared: 12, available: 8)),
      (rr + [0x80, 203, 0xFF, 0xFF], .lengthPastEnd(offset: 8, declared: 262_144, available: 4)),
      // A BYE counting two sources, holding one.
      (rr + [0x82, 203, 0, 1, 0, 0, 0, 7], .bodyTooShort(offset: 8, packetType: 203)),
      // A BYE reason longer than the packet.
      (
        rr + [0x81, 203, 0, 2, 0, 0, 0, 7, 9, 0x61, 0x62, 0x63],
        .bodyTooShort(offset: 8, packetType: 203)
      ),
      // SDES counting two chunks, holding one.
      (
        rr + [0x82, 202, 0, 2, 0, 0, 0, 1, 1, 1, 0x61, 0], .bodyTooShort(offset: 8, packetType: 202)
      ),
      // SDES chunk without its null octet.
      (
        rr + [0x81, 202, 0, 2, 0, 0, 0, 1, 1, 2, 0x61, 0x62],
        .bodyTooShort(offset: 8, packetType: 202)
      ),
      // SDES chunk's SSRC past the end.
      (rr + [0x81, 202, 0, 0], .bodyTooShort(offset: 8, packetType: 202)),
      // APP without its name.
      (rr + [0x80, 204, 0, 1, 0, 0, 0, 1], .bodyTooShort(offset: 8, packetType: 204)),
      // Padding counts more than the packet, or zero.
      (rr + [0xA0, 203, 0, 1, 0, 0, 0, 9], .badPadding(offset: 8, padding: 9)),
      (rr + [0xA0, 203, 0, 1, 0, 0, 0, 0], .badPadding(offset: 8, padding: 0)),
      // Padding that leaves part of a word (found by the reliability branch's RTCPFuzz).
      (rr + [0xA0, 203, 0, 2, 0, 0, 0, 7, 0, 0, 0, 3], .badPadding(offset: 8, padding: 3)),
      ([0xA0, 201, 0, 1, 0, 0, 0, 4] + rr, .paddingNotLast(offset: 0)),
      (rr + [0x80], .truncatedHeader(offset: 8)),
      ([0x40, 201, 0, 1, 0, 0, 0, 1], .badVersion(offset: 0, version: 1)),
      ([0x80, 203, 0, 1, 0, 0, 0, 1], .firstNotReport(packetType: 203)),
      ([], .empty),
    ] as [([UInt8], RTCPParseError)])
  func malformed(bytes: [UInt8], error: RTCPParseError) {
    #expect(verdict(bytes) == .failure(error))
  }

  @Test("every cut and every one-byte change of a compound: view and values agree, never a trap")
  func mutations() throws {
    let good = try Self.compound.serialized()
    var valid = 0
    for end in 0...good.count {
      if case .success = verdict(Array(good[..<end])) { valid += 1 }
    }
    // The cuts at the ends of the first 1...6 packets.
    #expect(valid == 6)
    for index in good.indices {
      for change: UInt8 in [0, 0xFF, 1, 0x1F, 0x20, 0x80] {
        var bytes = good
        bytes[index] ^= change
        _ = verdict(bytes)
      }
    }
  }
}
