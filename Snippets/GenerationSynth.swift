// RTPGeneration: RTPSynth numbers the packets of a stream, as librtpsynth's RtpSynth does.
import RTPCore

var synth = RTPSynth(
  sampleRate: 8000, packetTimeMicroseconds: 20_000,
  start: RTPStreamStart(ssrc: 0x5EED, sequenceNumber: 65534, timestamp: 4_294_967_000))
for _ in 0..<4 {
  let packet = try synth.nextPacket(payloadType: 8, payload: [UInt8](repeating: 0xD5, count: 160))
  try packet.withUnsafeBytes { raw in
    let view = try RTPPacket(validating: raw)
    print("seq \(view.sequenceNumber), ts \(view.timestamp), \(packet.count) bytes")
  }
}
print("packets: \(synth.packetCount); the sequence and timestamp wrap as RFC 3550 says")
