// RTPPackets: build an RTP packet from a header and a payload, then read it back in place.
import RTPCore

let header = RTPHeader(
  marker: true, payloadType: 0, sequenceNumber: 4711, timestamp: 160, ssrc: 0x5EED_0001)
let bytes = try header.serialized(payload: [UInt8](repeating: 0xFF, count: 160))

try bytes.withUnsafeBytes { raw in
  // Validation checks version, CSRCs, extension and padding once; the view copies nothing.
  let packet = try RTPPacket(validating: raw)
  print(
    "RTP: \(bytes.count) bytes, PT \(packet.payloadType), seq \(packet.sequenceNumber),",
    "ts \(packet.timestamp), marker \(packet.marker), payload \(packet.payload.count) bytes")
  print(
    "named \(RTPPayloadTypeRegistry.wiresharkName(packet.payloadType)),",
    "clock \(RTPPayloadTypeRegistry.clockRate(packet.payloadType) ?? 0) Hz")
}

// An RTCP compound: a sender report and a BYE, serialised and parsed again.
let compound = RTCPCompound([
  .senderReport(
    RTCPSenderReport(
      ssrc: 0x5EED_0001, ntpTimestamp: NTPTimestamp(seconds: 3_900_000_000, fraction: 0),
      rtpTimestamp: 160, packetCount: 1, octetCount: 160)),
  .goodbye(RTCPGoodbye(sources: [0x5EED_0001], reason: Array("done".utf8))),
])
let wire = try compound.serialized()
let parsed = try RTCPCompound(parsing: wire)
print("RTCP: \(wire.count) bytes, \(parsed.packets.count) packets, same: \(parsed == compound)")
