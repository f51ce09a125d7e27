// RTPNetwork: a UDP server whose worker thread receives on one channel while another sends,
// both on loopback ports the kernel chooses.
import RTPCore
import Synchronization

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

let server = try RTPServer(name: "snippet")
defer { server.shutdown() }

// The handler runs on the server's thread with the bytes valid only during the call: keep a copy.
let arrived = Mutex<[(sequence: UInt16, from: UInt16)]>([])
let receiver = try server.createChannel(
  onPacket: { bytes, source, _ in
    guard let packet = try? RTPPacket(validating: bytes) else { return }
    arrived.withLock { $0.append((packet.sequenceNumber, source.port)) }
  }, bindingTo: Endpoint(address: .v4(.loopback), port: 0),
  options: .receiveOnly())
let sender = try server.createChannel(
  onPacket: { _, _, _ in }, bindingTo: Endpoint(address: .v4(.loopback), port: 0))
try sender.setTarget(receiver.localAddress)

var synth = RTPSynth(
  sampleRate: 8000, packetTimeMicroseconds: 20_000,
  start: RTPStreamStart(ssrc: 7, sequenceNumber: 1, timestamp: 0))
for _ in 0..<3 {
  try sender.send(
    try synth.nextPacket(payloadType: 0, payload: [UInt8](repeating: 0xFF, count: 160)))
}

// Wait (at most 2 s) for the worker to deliver them.
for _ in 0..<200 where arrived.withLock({ $0.count }) < 3 { usleep(10_000) }
let received = arrived.withLock { $0 }
print("received \(received.count) packets, sequence numbers \(received.map(\.sequence))")
print("all from the sender's port: \(received.allSatisfy { $0.from == sender.localAddress.port })")
print("sent \(sender.counters.sent), send errors \(sender.counters.sendErrors)")
