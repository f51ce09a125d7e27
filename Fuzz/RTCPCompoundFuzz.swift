// libFuzzer target: RTCP compound validation read in place (RTCPCompoundView) against the same
// compound copied into values (RTCPCompound): a valid input has every field of every packet read
// through the view (report blocks, SDES chunks and items, BYE sources and reason, APP name and
// data), its copy holds the same fields, and the copy serializes and parses back equal.
//
// An input is one UDP payload. Built by scripts/fuzz with RTPCore's sources in one module, so
// internal API is in reach.

@inline(never)
func touch(_ bytes: UnsafeRawBufferPointer) -> UInt8 {
  var sum: UInt8 = 0
  for byte in bytes { sum &+= byte }
  return sum
}

/// Reads every field of `packet` through the view and checks it against `value`.
func check(_ packet: RTCPPacketView, _ value: RTCPPacket) {
  precondition(value.packetType == packet.packetType, "packet types differ")
  switch value {
  case .senderReport(let report):
    precondition(report.ssrc == packet.ssrc && report.ntpTimestamp == packet.ntpTimestamp)
    precondition(report.rtpTimestamp == packet.rtpTimestamp)
    precondition(report.packetCount == packet.packetCount)
    precondition(report.octetCount == packet.octetCount)
    precondition(report.reports.elementsEqual(packet.reportBlocks), "SR blocks differ")
    precondition(report.profileExtension.elementsEqual(packet.profileExtension))
  case .receiverReport(let report):
    precondition(report.ssrc == packet.ssrc)
    precondition(report.reports.elementsEqual(packet.reportBlocks), "RR blocks differ")
    precondition(report.profileExtension.elementsEqual(packet.profileExtension))
  case .sourceDescription(let description):
    var chunks = description.chunks.makeIterator()
    for chunk in packet.sourceDescriptionChunks {
      guard let expected = chunks.next() else { preconditionFailure("more chunks in the view") }
      precondition(chunk.ssrc == expected.ssrc)
      precondition(
        chunk.elementsEqual(expected.items) {
          $0.type == $1.type && $0.value.elementsEqual($1.value)
        },
        "SDES items differ")
      _ = chunk.cname.map(touch)
      _ = chunk.tool.map(touch)
    }
    precondition(chunks.next() == nil, "fewer chunks in the view")
  case .goodbye(let goodbye):
    precondition(goodbye.sources.elementsEqual(packet.goodbyeSources))
    precondition(goodbye.reason?.count == packet.goodbyeReason?.count)
    if let reason = packet.goodbyeReason { precondition(goodbye.reason!.elementsEqual(reason)) }
  case .applicationDefined(let app):
    precondition(app.ssrc == packet.ssrc && Int(app.subtype) == packet.count)
    precondition(app.name.elementsEqual(packet.applicationName))
    precondition(app.data.elementsEqual(packet.applicationData))
  case .other(let other):
    precondition(other.body.elementsEqual(packet.body) && Int(other.count) == packet.count)
  }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
  let input = UnsafeRawBufferPointer(start: data, count: size)
  let view: RTCPCompoundView
  do {
    view = try RTCPCompoundView(validating: input)
  } catch {
    // The values refuse it for the same reason.
    do {
      _ = try RTCPCompound(parsing: input)
      preconditionFailure("values accept what the view refuses")
    } catch let valuesError {
      precondition(valuesError == error, "errors differ: \(valuesError) and \(error)")
    }
    return 0
  }
  let compound = RTCPCompound(view)
  var packets = compound.packets.makeIterator()
  var end = 0
  for packet in view {
    guard let value = packets.next() else { preconditionFailure("more packets in the view") }
    precondition(packet.offset >= end, "packets overlap")
    end = packet.offset + packet.bytes.count
    check(packet, value)
  }
  precondition(packets.next() == nil, "fewer packets in the view")
  // What serializes parses back equal (fields the wire cannot carry refuse to serialize).
  if let bytes = try? compound.serialized() {
    precondition((try? RTCPCompound(parsing: bytes)) == compound, "round trip differs")
  }
  return 0
}
