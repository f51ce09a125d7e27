// libFuzzer target: RTCP parsing (RTCPCompound(parsing:): compound packets, SR/RR report blocks,
// SDES chunks and items, BYE, APP, other types), the RTP/RTCP demultiplexing of RFC 5761
// (RTPPacketKind, RTPPayload(sorting:)) against both parsers, and serialization: a compound that
// parses must serialize, parse again to the same packets and serialize to the same bytes.
//
// An input is one UDP payload, parsed two ways: as it is (a compound packet) and behind an empty
// receiver report, so that any packet type can come first (a single SDES, BYE or APP packet).
// Both are held in allocations of their exact size, so AddressSanitizer reports a read past them.
//
// With RTCP_FUZZ_SEEDS=DIR in the environment the binary writes its seeds, compounds built by
// RTPCore's RTCP writer, into DIR and exits (scripts/fuzz does this on the first run).
//
// Built by scripts/fuzz with RTPCore's sources in one module, so internal API is in reach.

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// An empty receiver report (SSRC 1), eight bytes.
let emptyReport: [UInt8] = [0x80, 201, 0, 1, 0, 0, 0, 1]

func check(_ compound: RTCPCompound, _ input: UnsafeRawBufferPointer) {
  precondition(!compound.packets.isEmpty, "a compound of no packets parsed")
  switch compound.packets[0] {
  case .senderReport, .receiverReport: break
  default: preconditionFailure("the first packet is not a report")
  }
  // A compound fills its datagram, less the last packet's padding.
  let length = compound.serializedLength
  precondition(length <= input.count && length % 4 == 0, "length \(length) of \(input.count)")
  precondition(RTPPacketKind(classifying: input) == .rtcp, "RTCP not classified as RTCP")
  precondition((try? RTPPacket(validating: input)) == nil, "RTCP validated as RTP")
  guard case .notRTP = RTPPayload(sorting: input) else {
    preconditionFailure("RTCP sorted as RTP")
  }

  let bytes: [UInt8]
  do {
    bytes = try compound.serialized()
  } catch {
    preconditionFailure("a parsed compound does not serialize: \(error)")
  }
  precondition(bytes.count == length, "serialized \(bytes.count), said \(length)")
  let again: RTCPCompound
  do {
    again = try RTCPCompound(parsing: bytes)
  } catch {
    preconditionFailure("a serialized compound does not parse: \(error)")
  }
  precondition(again == compound, "parsed again: \(again)\nfirst: \(compound)")
  precondition((try? again.serialized()) == bytes, "serialized twice, different bytes")
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
  let input = UnsafeRawBufferPointer(start: data, count: size)

  // As one datagram.
  let compound = try? RTCPCompound(parsing: input)
  if let compound { check(compound, input) }
  switch RTPPayload(sorting: input) {
  case .packet:
    precondition(RTPPacketKind(classifying: input) == .rtp, "valid RTP not classified as RTP")
    precondition(compound == nil, "valid RTP parsed as RTCP")
  case .invalid:
    precondition(RTPPacketKind(classifying: input) == .rtp, "invalid RTP not classified as RTP")
  case .notRTP:
    precondition(RTPPacketKind(classifying: input) != .rtp, "RTP sorted as not RTP")
  }

  // Behind an empty receiver report: any packet type may lead.
  let behind = UnsafeMutableRawBufferPointer.allocate(
    byteCount: emptyReport.count + size, alignment: 1)
  defer { behind.deallocate() }
  behind.copyBytes(from: emptyReport)
  if size > 0 {
    UnsafeMutableRawBufferPointer(rebasing: behind[emptyReport.count...]).copyMemory(from: input)
  }
  let joined = UnsafeRawBufferPointer(behind)
  if let single = try? RTCPCompound(parsing: joined) {
    check(single, joined)
    precondition(single.packets[0] == .receiverReport(RTCPReceiverReport(ssrc: 1)))
    if let compound {
      precondition(Array(single.packets.dropFirst()) == compound.packets, "parsed differently")
    }
  } else if compound != nil {
    preconditionFailure("parses alone but not behind a report")
  }
  return 0
}

/// Compounds as RTPSession and the tools send them, and every packet type, serialized by RTPCore.
func seeds() -> [(String, [UInt8])] {
  let block = RTCPReportBlock(
    ssrc: 0x1122_3344, fractionLost: 64, cumulativeLost: -3, extendedHighestSequence: 0x0001_0005,
    jitter: 77, lastSenderReport: 0xABCD_1234, delaySinceLastSenderReport: 65536)
  let sender = RTCPSenderReport(
    ssrc: 0xDEAD_BEEF, ntpTimestamp: NTPTimestamp(seconds: 0xE000_0000, fraction: 0x8000_0000),
    rtpTimestamp: 160_000, packetCount: 1000, octetCount: 160_000, reports: [block])
  let description = RTCPSourceDescription(chunks: [
    RTCPSourceDescriptionChunk(
      ssrc: 0xDEAD_BEEF,
      items: [
        RTCPSourceDescriptionItem(type: RTCPSourceDescriptionItem.cname, text: "rtpsend@127.0.0.1"),
        RTCPSourceDescriptionItem(type: RTCPSourceDescriptionItem.tool, text: "rtpsend"),
      ])
  ])
  let compounds: [(String, RTCPCompound)] = [
    ("sr-sdes", RTCPCompound([.senderReport(sender), .sourceDescription(description)])),
    (
      "sr-sdes-bye",
      RTCPCompound([
        .senderReport(sender), .sourceDescription(description),
        .goodbye(RTCPGoodbye(sources: [0xDEAD_BEEF], reason: "end of call")),
      ])
    ),
    (
      "rr-blocks",
      RTCPCompound([.receiverReport(RTCPReceiverReport(ssrc: 5, reports: [block, block]))])
    ),
    (
      "rr-app-other",
      RTCPCompound([
        .receiverReport(RTCPReceiverReport(ssrc: 6, profileExtension: [1, 2, 3, 4])),
        .applicationDefined(
          RTCPApplicationDefined(subtype: 3, ssrc: 9, name: "TEST", data: [1, 2, 3, 4])),
        .other(RTCPOtherPacket(packetType: 205, count: 1, body: [0, 0, 0, 1, 0, 0, 0, 2])),
      ])
    ),
    ("bye-alone", RTCPCompound([.goodbye(RTCPGoodbye(sources: [1, 2, 3], reason: "bye"))])),
    ("sdes-alone", RTCPCompound([.sourceDescription(description)])),
  ]
  var result: [(String, [UInt8])] = []
  for (name, compound) in compounds {
    guard let bytes = try? compound.serialized() else { preconditionFailure("seed \(name)") }
    result.append((name, bytes))
  }
  // An RR whose last packet carries four octets of padding.
  if var padded = try? RTCPCompound([.receiverReport(RTCPReceiverReport(ssrc: 7))]).serialized() {
    padded[0] |= 0x20
    padded[3] += 1
    padded += [0, 0, 0, 4]
    result.append(("rr-padded", padded))
  }
  return result
}

@_cdecl("LLVMFuzzerInitialize")
public func initialize(
  _ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>
) -> CInt {
  guard let directory = getenv("RTCP_FUZZ_SEEDS") else { return 0 }
  let prefix = String(cString: directory)
  for (name, bytes) in seeds() {
    let descriptor = open("\(prefix)/\(name)", O_WRONLY | O_CREAT | O_TRUNC, 0o644)
    precondition(descriptor >= 0, "cannot create \(prefix)/\(name)")
    precondition(
      bytes.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) } == bytes.count)
    close(descriptor)
  }
  exit(0)
}
