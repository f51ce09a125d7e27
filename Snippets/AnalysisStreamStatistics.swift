// RTPAnalysis: per-stream RFC 3550 statistics, as `tshark -z rtp,streams` prints them.
import RTPCore

var analyzer = RTPStreamAnalyzer()
var synth = RTPSynth(
  sampleRate: 8000, packetTimeMicroseconds: 20_000,
  start: RTPStreamStart(ssrc: 0xCAFE, sequenceNumber: 1, timestamp: 0))
let source = Endpoint("192.0.2.1:5004")!
let destination = Endpoint("192.0.2.2:5006")!
for index in 0..<50 {
  let packet = try synth.nextPacket(payloadType: 0, payload: [UInt8](repeating: 0xFF, count: 160))
  if index == 20 { continue }  // one packet lost on the way
  // Arrivals 20 ms apart with 2 ms of jitter on every other packet.
  let arrival = Int64(index) * 20_000_000 + (index % 2 == 0 ? 0 : 2_000_000)
  packet.withUnsafeBytes { payload in
    analyzer.add(
      UDPDatagram(timestamp: arrival, source: source, destination: destination, payload: payload))
  }
}
for stream in analyzer.streams {
  print(
    "SSRC 0x\(String(stream.key.ssrc, radix: 16)) \(stream.payloadTypeName):",
    "\(stream.packets) packets, \(stream.lost) lost,",
    "max delta \(stream.maxDeltaMs) ms, max jitter \((stream.maxJitterMs * 1000).rounded() / 1000) ms"
  )
}
