import Foundation
import RTPCore
import SystemPackage
import Testing

@Suite("RTCP packets")
struct RTCPPacketTests {
  static let block = RTCPReportBlock(
    ssrc: 0x1122_3344, fractionLost: 64, cumulativeLost: -3, extendedHighestSequence: 0x0001_0005,
    jitter: 77, lastSenderReport: 0xABCD_1234, delaySinceLastSenderReport: 65536)
  static let senderReport = RTCPSenderReport(
    ssrc: 0xDEAD_BEEF, ntpTimestamp: NTPTimestamp(seconds: 0xE000_0000, fraction: 0x8000_0000),
    rtpTimestamp: 160_000, packetCount: 1000, octetCount: 160_000, reports: [block])
  static let description = RTCPSourceDescription(chunks: [
    RTCPSourceDescriptionChunk(
      ssrc: 0xDEAD_BEEF,
      items: [
        RTCPSourceDescriptionItem(type: RTCPSourceDescriptionItem.cname, text: "alice@192.0.2.1"),
        RTCPSourceDescriptionItem(type: RTCPSourceDescriptionItem.tool, text: "rtpsynth"),
        RTCPSourceDescriptionItem(type: RTCPSourceDescriptionItem.note, text: "on hold"),
        RTCPSourceDescriptionItem(type: 99, value: [1, 2, 3]),
      ]),
    RTCPSourceDescriptionChunk(ssrc: 7, items: []),
  ])
  static let compound = RTCPCompound([
    .senderReport(senderReport), .sourceDescription(description),
    .goodbye(RTCPGoodbye(sources: [0xDEAD_BEEF], reason: "end of call")),
  ])

  /// Serializes `packet` alone and parses it back through a compound led by an empty RR.
  private func roundTrip(_ packet: RTCPPacket) throws -> RTCPPacket {
    let compound = RTCPCompound([.receiverReport(RTCPReceiverReport(ssrc: 1)), packet])
    let bytes = try compound.serialized()
    #expect(bytes.count == compound.serializedLength)
    #expect(bytes.count % 4 == 0)
    let parsed = try RTCPCompound(parsing: bytes)
    #expect(parsed.packets.count == 2)
    return parsed.packets[1]
  }

  @Test("each packet type survives serialize then parse")
  func roundTrips() throws {
    let packets: [RTCPPacket] = [
      .senderReport(Self.senderReport),
      .senderReport(
        RTCPSenderReport(
          ssrc: 1, ntpTimestamp: NTPTimestamp(rawValue: 42), rtpTimestamp: 2, packetCount: 3,
          octetCount: 4, profileExtension: [9, 9, 9, 9])),
      .receiverReport(RTCPReceiverReport(ssrc: 5, reports: [Self.block, Self.block])),
      .receiverReport(RTCPReceiverReport(ssrc: 6)),
      .sourceDescription(Self.description),
      .goodbye(RTCPGoodbye(sources: [1, 2, 3], reason: "bye now")),
      .goodbye(RTCPGoodbye(sources: [4])),
      .goodbye(RTCPGoodbye(sources: [4], reason: "abc")),
      .applicationDefined(
        RTCPApplicationDefined(subtype: 3, ssrc: 9, name: "TEST", data: [1, 2, 3, 4])),
      .other(RTCPOtherPacket(packetType: 205, count: 1, body: [0, 0, 0, 1, 0, 0, 0, 2])),
    ]
    for packet in packets {
      #expect(try roundTrip(packet) == packet)
    }
    let bytes = try Self.compound.serialized()
    #expect(try RTCPCompound(parsing: bytes) == Self.compound)
  }

  @Test("wire layout of a report block and SDES items")
  func layout() throws {
    let bytes = try RTCPCompound([
      .receiverReport(RTCPReceiverReport(ssrc: 1, reports: [Self.block]))
    ])
    .serialized()
    #expect(bytes[0] == 0x81 && bytes[1] == 201)
    #expect(bytes[2] == 0 && bytes[3] == 7)
    // Fraction 64, cumulative lost -3 as 24-bit two's complement.
    #expect(Array(bytes[12..<16]) == [64, 0xFF, 0xFF, 0xFD])
    let sdes = try Self.compound.serialized()
    let sdesStart = Self.senderReport.serializedLength
    #expect(sdes[sdesStart] == 0x82 && sdes[sdesStart + 1] == 202)
    #expect(sdes[sdesStart + 8] == 1 && sdes[sdesStart + 9] == 15)
    let chunk = try RTCPCompound(parsing: sdes).packets[1]
    guard case .sourceDescription(let parsed) = chunk else {
      Issue.record("not SDES")
      return
    }
    #expect(parsed.chunks[0].cname == "alice@192.0.2.1")
    #expect(parsed.chunks[0].tool == "rtpsynth")
    #expect(parsed.chunks[0].items[3] == RTCPSourceDescriptionItem(type: 99, value: [1, 2, 3]))
  }

  @Test("padding on the last packet is accepted and removed")
  func padding() throws {
    var bytes = try RTCPCompound([.receiverReport(RTCPReceiverReport(ssrc: 1))]).serialized()
    bytes[0] |= 0x20
    bytes[3] += 1
    bytes += [0, 0, 0, 4]
    #expect(
      try RTCPCompound(parsing: bytes).packets == [.receiverReport(RTCPReceiverReport(ssrc: 1))])
  }

  /// Found by RTCPFuzz: an RR of three words with one octet of padding parsed with a 3-byte
  /// profile extension, which serialized to a packet whose length is not a whole word.
  @Test("padding that leaves part of a word is an error", arguments: [1, 2, 3, 5])
  func paddingInsideWord(padding: Int) throws {
    var bytes: [UInt8] = [0xA0, 201, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0]
    bytes[bytes.count - 1] = UInt8(padding)
    #expect(throws: RTCPParseError.badPadding(offset: 0, padding: padding)) {
      try RTCPCompound(parsing: bytes)
    }
    let crash: [UInt8] = [0xA0, 0xC9, 0, 2, 0, 0, 0, 0, 0, 0, 0, 1]
    #expect(throws: RTCPParseError.badPadding(offset: 0, padding: 1)) {
      try RTCPCompound(parsing: crash)
    }
  }

  @Test("lies are typed errors")
  func lies() throws {
    let good = try Self.compound.serialized()
    // The last packet (the BYE, 20 bytes) claims one word more than is left.
    var tooLong = good
    tooLong[good.count - 20 + 3] += 1
    #expect(
      throws: RTCPParseError.lengthPastEnd(offset: good.count - 20, declared: 24, available: 20)
    ) { try RTCPCompound(parsing: tooLong) }
    var badVersion = good
    badVersion[Self.senderReport.serializedLength] &= 0x3F
    #expect(
      throws: RTCPParseError.badVersion(offset: Self.senderReport.serializedLength, version: 0)
    ) { try RTCPCompound(parsing: badVersion) }
    let sdesFirst = try RTCPCompound([.sourceDescription(Self.description)]).serialized()
    #expect(throws: RTCPParseError.firstNotReport(packetType: 202)) {
      try RTCPCompound(parsing: sdesFirst)
    }
    var paddedMiddle = good
    paddedMiddle[0] |= 0x20
    #expect(throws: RTCPParseError.paddingNotLast(offset: 0)) {
      try RTCPCompound(parsing: paddedMiddle)
    }
    #expect(throws: RTCPParseError.truncatedHeader(offset: good.count)) {
      try RTCPCompound(parsing: good + [0x80, 201])
    }
    #expect(throws: RTCPParseError.empty) { try RTCPCompound(parsing: [UInt8]()) }
    // An RR claiming two blocks in a packet with room for none.
    let lying: [UInt8] = [0x82, 201, 0, 1, 0, 0, 0, 1]
    #expect(throws: RTCPParseError.bodyTooShort(offset: 0, packetType: 201)) {
      try RTCPCompound(parsing: lying)
    }
    // An SDES item running past its packet.
    let rr: [UInt8] = [0x80, 201, 0, 1, 0, 0, 0, 1]
    let sdes: [UInt8] = [0x81, 202, 0, 2, 0, 0, 0, 1, 1, 9, 0x61, 0x62]
    #expect(throws: RTCPParseError.bodyTooShort(offset: 8, packetType: 202)) {
      try RTCPCompound(parsing: rr + sdes)
    }
  }

  @Test("serialization refuses what the wire cannot carry")
  func serializationErrors() {
    var block = Self.block
    block.cumulativeLost = 0x80_0000
    #expect(throws: RTCPSerializationError.cumulativeLostOutOfRange(0x80_0000)) {
      try RTCPCompound([.receiverReport(RTCPReceiverReport(ssrc: 1, reports: [block]))])
        .serialized()
    }
    let many = RTCPReceiverReport(ssrc: 1, reports: Array(repeating: Self.block, count: 32))
    #expect(throws: RTCPSerializationError.countTooLarge(32)) {
      try RTCPCompound([.receiverReport(many)]).serialized()
    }
    var small = [UInt8](repeating: 0, count: 10)
    #expect(throws: RTCPSerializationError.bufferTooSmall(needed: 52, available: 10)) {
      try small.withUnsafeMutableBytes { try Self.senderReport.serialize(into: $0) }
    }
  }

  @Test("NTP timestamps convert from and to Unix nanoseconds")
  func ntp() {
    let zero = NTPTimestamp(unixNanoseconds: 0)
    #expect(zero.seconds == 2_208_988_800 && zero.fraction == 0)
    let half = NTPTimestamp(unixNanoseconds: 1_500_000_000)
    #expect(half.seconds == 2_208_988_801 && half.fraction == 0x8000_0000)
    #expect(half.middle32 == UInt32(truncatingIfNeeded: (UInt64(2_208_988_801) << 16)) | 0x8000)
    for time: Int64 in [0, 1, 999_999_999, 1_700_000_000_123_456_789, 2_085_978_496_000_000_001] {
      #expect(abs(NTPTimestamp(unixNanoseconds: time).unixNanoseconds - time) <= 1)
    }
    // Past February 2036 the seconds wrap and era 1 reads back.
    let late = NTPTimestamp(unixNanoseconds: 2_200_000_000_000_000_000)
    #expect(late.seconds < 0x8000_0000)
    #expect(late.unixNanoseconds == 2_200_000_000_000_000_000)
  }

  @Test("round-trip time from LSR and DLSR")
  func roundTripTime() {
    let sent = NTPTimestamp(unixNanoseconds: 1_000_000_000_000)
    let arrival = NTPTimestamp(unixNanoseconds: 1_000_000_000_000 + 250_000_000)
    let block = RTCPReportBlock(
      ssrc: 1, lastSenderReport: sent.middle32, delaySinceLastSenderReport: 65536 / 10)
    let rtt = block.roundTripTime(arrival: arrival) ?? 0
    #expect(abs(rtt - 150_000_000) < 100_000)
    #expect(RTCPReportBlock(ssrc: 1).roundTripTime(arrival: arrival) == nil)
  }

  @Test("tshark decodes our compound RTCP without warnings")
  func tsharkDecodes() throws {
    guard FileManager.default.isExecutableFile(atPath: "/usr/bin/tshark") else {
      print("skipped: no tshark")
      return
    }
    let path = FileManager.default.temporaryDirectory
      .appendingPathComponent("rtcp-\(UUID().uuidString).pcap").path
    defer { try? FileManager.default.removeItem(atPath: path) }
    let fd = try FileDescriptor.open(
      path, .writeOnly, options: [.create, .truncate], permissions: [.ownerReadWrite])
    let writer = try CaptureWriter(sink: OutputSink(fileDescriptor: fd), format: .pcap)
    var receiver = RTCPReceiverReport(ssrc: 0x0102_0304, reports: [Self.block])
    receiver.reports[0].cumulativeLost = 1234
    let compounds = [
      Self.compound,
      RTCPCompound([
        .receiverReport(receiver), .sourceDescription(Self.description),
        .applicationDefined(
          RTCPApplicationDefined(subtype: 1, ssrc: 5, name: "ABCD", data: [0, 0, 0, 0])),
      ]),
    ]
    for (index, compound) in compounds.enumerated() {
      let bytes = try compound.serialized()
      let written = try bytes.withUnsafeBytes { payload in
        try writer.write(
          UDPDatagram(
            timestamp: Int64(index) * 1_000_000_000, source: Endpoint("192.0.2.1:5005")!,
            destination: Endpoint("192.0.2.2:5005")!, payload: payload))
      }
      #expect(written)
    }
    try writer.finish()
    try fd.close()

    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/tshark")
    process.arguments = [
      "-n", "-r", path, "-d", "udp.port==5005,rtcp", "-T", "fields", "-E", "separator=|",
      "-e", "rtcp.ssrc.fraction", "-e", "rtcp.ssrc.cum_nr", "-e", "rtcp.ssrc.jitter",
      "-e", "rtcp.sdes.text", "-e", "rtcp.senderssrc", "-e", "rtcp.sender.packetcount",
      "-e", "_ws.malformed", "-e", "_ws.expert",
    ]
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = FileHandle.nullDevice
    try process.run()
    let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    #expect(process.terminationStatus == 0)
    let lines = output.split(separator: "\n").map {
      $0.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
    }
    #expect(lines.count == 2)
    guard lines.count == 2, lines.allSatisfy({ $0.count == 8 }) else { return }
    #expect(lines[0][0] == "64")
    #expect(lines[0][1] == "-3")
    #expect(lines[0][2] == "77")
    #expect(lines[0][3].contains("alice@192.0.2.1") && lines[0][3].contains("rtpsynth"))
    #expect(lines[0][5] == "1000")
    #expect(lines[1][1] == "1234")
    #expect(lines[0][6].isEmpty && lines[1][6].isEmpty, "malformed: \(output)")
    #expect(lines[0][7].isEmpty && lines[1][7].isEmpty, "expert info: \(output)")
  }
}

@Suite("RTCP transmission interval (RFC 3550 A.7)")
struct RTCPIntervalTests {
  @Test("the minimum is 5 s, 2.5 s before the first report")
  func minimum() {
    var interval = RTCPInterval(
      members: 2, senders: 1, bandwidth: 10_000, weSent: true, averagePacketSize: 100,
      initial: false)
    #expect(interval.deterministicSeconds == 5)
    interval.initial = true
    #expect(interval.deterministicSeconds == 2.5)
  }

  @Test("large sessions scale with members over bandwidth, senders get a quarter")
  func scaling() {
    // 1000 members, 10 senders: receivers share 75 % of 1000 octets/s among 990.
    let receiver = RTCPInterval(
      members: 1000, senders: 10, bandwidth: 1000, weSent: false, averagePacketSize: 200,
      initial: false)
    #expect(abs(receiver.deterministicSeconds - 200.0 * 990 / 750) < 1e-9)
    let sender = RTCPInterval(
      members: 1000, senders: 10, bandwidth: 1000, weSent: true, averagePacketSize: 200,
      initial: false)
    #expect(abs(sender.deterministicSeconds - 200.0 * 10 / 250) < 1e-9)
    // More than a quarter senders: everyone shares the whole bandwidth.
    let many = RTCPInterval(
      members: 100, senders: 50, bandwidth: 1000, weSent: true, averagePacketSize: 200,
      initial: false)
    #expect(abs(many.deterministicSeconds - 20) < 1e-9)
  }

  @Test("randomised between 0.5 and 1.5 times, divided by e − 3/2")
  func randomisation() {
    let interval = RTCPInterval(
      members: 1000, senders: 10, bandwidth: 1000, weSent: false, averagePacketSize: 200,
      initial: false)
    let base = interval.deterministicSeconds
    #expect(abs(interval.seconds(random: 0) - base * 0.5 / (2.71828 - 1.5)) < 1e-9)
    #expect(abs(interval.seconds(random: 0.5) - base / 1.21828) < 1e-9)
    var generator = SystemRandomNumberGenerator()
    var lowest = Double.infinity
    var highest = 0.0
    for _ in 0..<10_000 {
      let value = interval.seconds(using: &generator)
      lowest = min(lowest, value)
      highest = max(highest, value)
    }
    #expect(lowest >= base * 0.5 / RTCPInterval.compensation)
    #expect(highest < base * 1.5 / RTCPInterval.compensation)
    #expect(lowest < base * 0.55 / RTCPInterval.compensation)
    #expect(highest > base * 1.45 / RTCPInterval.compensation)
  }
}
