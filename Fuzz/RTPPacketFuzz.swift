// libFuzzer target: RTP validation (RTPPacket(validating:)), the header's fields, the header
// extension and its RFC 8285 elements, and serialization: a valid packet serialized again from
// its header, payload and padding length must re-parse equal and match its bytes up to the
// padding octets.
//
// An input is one UDP payload. RTCP has its own targets: RTCPCompoundFuzz (read in place
// against the values) and RTCPFuzz (round trips, and the RTP/RTCP demultiplexing against both
// parsers).
//
// Built by scripts/fuzz with RTPCore's sources in one module, so internal API is in reach.

@inline(never)
func touch(_ bytes: UnsafeRawBufferPointer) -> UInt8 {
  var sum: UInt8 = 0
  for byte in bytes { sum &+= byte }
  return sum
}

func check(_ packet: RTPPacket, _ input: UnsafeRawBufferPointer) {
  precondition(RTPPacketKind(classifying: input) == .rtp, "valid RTP not classified as RTP")
  let payload = packet.payload
  precondition(
    packet.headerLength + payload.count + packet.paddingLength == input.count, "lengths disagree")
  _ = touch(payload)
  let header = packet.header
  precondition(header.length == packet.headerLength, "header length \(header.length)")
  precondition(header.csrcs.count == packet.csrcCount)
  if let (profile, data) = packet.extensionBytes {
    precondition(header.headerExtension?.profile == profile)
    _ = touch(data)
  }

  // Serialize again: the same header and payload, padding of the same length.
  let again: [UInt8]
  do {
    again = try header.serialized(payload: Array(payload), paddingLength: packet.paddingLength)
  } catch {
    preconditionFailure("a parsed header does not serialize: \(error)")
  }
  precondition(again.count == input.count, "serialized \(again.count) of \(input.count) bytes")
  let unpadded = input.count - packet.paddingLength
  precondition(again[..<unpadded].elementsEqual(input[..<unpadded]), "serialized bytes differ")
  if packet.paddingLength > 0 { precondition(again[input.count - 1] == input[input.count - 1]) }
  again.withUnsafeBytes { bytes in
    guard let reparsed = try? RTPPacket(validating: bytes) else {
      preconditionFailure("serialized packet does not parse")
    }
    precondition(reparsed.header == header, "re-parsed header differs")
    precondition(reparsed.paddingLength == packet.paddingLength)
    precondition(reparsed.payload.elementsEqual(payload), "re-parsed payload differs")
  }

  // RFC 8285 elements: parse, and when the builder accepts them, build and parse again.
  guard let headerExtension = header.headerExtension, let form = headerExtension.form,
    let elements = try? headerExtension.elements()
  else { return }
  for element in elements { _ = element.data.withUnsafeBytes(touch) }
  let rebuilt: RTPHeaderExtension?
  switch form {
  case .oneByte:
    rebuilt = try? RTPHeaderExtension(oneByteElements: elements)
  case .twoByte(let appBits):
    rebuilt = try? RTPHeaderExtension(twoByteElements: elements, appBits: appBits)
  }
  guard let rebuilt else { return }
  precondition(rebuilt.form == form)
  precondition((try? rebuilt.elements()) == elements, "rebuilt extension's elements differ")
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
  let input = UnsafeRawBufferPointer(start: data, count: size)
  do {
    let packet = try RTPPacket(validating: input)
    check(packet, input)
  } catch {
    switch error {
    case .rtcp:
      precondition(RTPPacketKind(classifying: input) == .rtcp, "RTCP not classified as RTCP")
    default:
      break
    }
  }
  return 0
}
