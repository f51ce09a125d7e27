// RTPPlayout: a jitter buffer puts reordered packets back in order, drops duplicates and late
// ones, and reports the voids it gives up on.
import RTPCore

var synth = RTPSynth(
  sampleRate: 8000, packetTimeMicroseconds: 20_000,
  start: RTPStreamStart(ssrc: 1, sequenceNumber: 100, timestamp: 0))
let packets = try (0..<6).map { _ in try synth.nextPacket(payloadType: 0, payload: [0xFF]) }

let buffer = JitterBuffer(capacity: 3)
// Arrival order: 100, 102, 101, 101 again, 105, 103 (104 never comes).
for (index, arrival) in [0, 2, 1, 1, 5, 3].enumerated() {
  let result = try buffer.feed(packets[arrival], arrival: Int64(index) * 20_000_000)
  report(result)
}
report(buffer.flush())

func report(_ result: JitterBufferResult) {
  for frame in result.ready {
    switch frame {
    case .packet(let sequence, _, _): print("play \(sequence)")
    case .erasure(let erasure): print("void \(erasure.firstSequence)...\(erasure.lastSequence)")
    }
  }
  for drop in result.dropped { print("drop \(drop.extendedSequence): \(drop.reason)") }
}
let statistics = buffer.statistics
print("ready \(statistics.ready), late \(statistics.late), duplicates \(statistics.duplicates)")
