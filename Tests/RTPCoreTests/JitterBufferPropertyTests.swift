import RTPCore
import Testing

@testable import RTPBase
@testable import RTPPlayout

/// The jitter buffer's invariant over millions of impaired packets: every packet fed ends in
/// exactly one of ready or dropped, play-out within a stream is strictly in order with an
/// erasure for exactly each gap, and no packet plays twice.
@Suite("JitterBuffer invariant under random impairment")
struct JitterBufferPropertyTests {
  /// One packet on the wire: which stream it belongs to, its true position, and its header.
  struct Sent {
    var stream: Int
    var ssrc: UInt32
    var sequence: UInt16
    var timestamp: UInt32
  }

  /// Streams of random length starting at random sequence numbers (so many cross the wrap),
  /// each with its own SSRC, then loss, reordering within `window` and duplication applied.
  static func impairedTraffic(count: Int, window: Int, seed: UInt64) -> [Sent] {
    var random = SplitMix64(seed: seed)
    var sent: [(key: Double, packet: Sent)] = []
    sent.reserveCapacity(count + count / 8)
    var stream = 0
    var index = 0
    while index < count {
      let length = Int.random(in: 1...150_000, using: &random)
      let ssrc = UInt32.random(in: .min ... .max, using: &random)
      var sequence = UInt16.random(in: .min ... .max, using: &random)
      var timestamp = UInt32.random(in: .min ... .max, using: &random)
      for _ in 0..<min(length, count - index) {
        let packet = Sent(stream: stream, ssrc: ssrc, sequence: sequence, timestamp: timestamp)
        let roll = Double.random(in: 0..<1, using: &random)
        if roll >= 0.05 {
          var key = Double(index)
          if Double.random(in: 0..<1, using: &random) < 0.3 {
            key += Double.random(in: 0...Double(window), using: &random)
          }
          sent.append((key, packet))
          if Double.random(in: 0..<1, using: &random) < 0.1 {
            sent.append((key + Double.random(in: 0...Double(window + 5), using: &random), packet))
          }
        }
        sequence &+= 1
        timestamp &+= 160
        index += 1
      }
      // Reordering never crosses from one stream into another: an SSRC change is a clean cut.
      index += window + 10
      stream += 1
    }
    return sent.sorted { $0.key < $1.key }.map(\.packet)
  }

  @Test(
    "Every packet ends ready or dropped, in order, once, with erasures exactly for the gaps",
    arguments: [
      (1, 2, UInt64(1), false), (2, 3, 2, false), (20, 30, 3, false), (200, 250, 4, false),
      (1000, 1200, 5, false), (50, 2, 6, true),
    ])
  func invariant(capacity: Int, window: Int, seed: UInt64, releaseByTime: Bool) throws {
    let traffic = Self.impairedTraffic(count: 400_000, window: window, seed: seed)
    // With release by time, packets arrive every 20 ms and wait at most 60 ms behind a gap.
    let buffer = JitterBuffer(capacity: capacity, maxDelay: releaseByTime ? 60_000_000 : nil)
    var ready = 0
    var dropped = 0
    var streams = 0
    var lastReady: Int64? = nil
    var pendingErasure: JitterBufferErasure? = nil
    var played = Set<Int64>()
    var violations: [String] = []
    var packet = [UInt8](repeating: 0, count: 16)

    func note(_ text: String) {
      if violations.count < 5 { violations.append(text) }
    }

    let handler: (JitterBufferEvent) -> Void = { event in
      switch event {
      case .streamStarted:
        streams += 1
        lastReady = nil
        pendingErasure = nil
        played.removeAll(keepingCapacity: true)
      case .erasure(let erasure):
        if pendingErasure != nil { note("two erasures in a row") }
        if let last = lastReady, erasure.firstSequence != last + 1 {
          note("erasure starts at \(erasure.firstSequence), last ready \(last)")
        }
        if erasure.lastSequence < erasure.firstSequence { note("empty erasure") }
        pendingErasure = erasure
      case .ready(let frame):
        ready += 1
        let sequence = frame.extendedSequence
        if UInt16(truncatingIfNeeded: sequence) != frame.packet.sequenceNumber {
          note("extended \(sequence) does not end in \(frame.packet.sequenceNumber)")
        }
        if let last = lastReady {
          if let erasure = pendingErasure {
            if erasure.lastSequence + 1 != sequence {
              note("erasure does not end before \(sequence)")
            }
          } else if sequence != last + 1 {
            note("gap from \(last) to \(sequence) without erasure")
          }
        }
        if !played.insert(sequence).inserted { note("\(sequence) played twice") }
        lastReady = sequence
        pendingErasure = nil
      case .dropped:
        dropped += 1
      }
    }

    var fed = 0
    for sent in traffic {
      packet.withUnsafeMutableBytes { raw in
        raw[0] = 0x80
        raw[1] = 0
        raw.storeBigEndian(sent.sequence, at: 2)
        raw.storeBigEndian(sent.timestamp, at: 4)
        raw.storeBigEndian(sent.ssrc, at: 8)
      }
      try packet.withUnsafeBytes { raw in
        try buffer.feed(raw, arrival: Int64(fed) * 20_000_000, handler)
      }
      fed += 1
      if buffer.heldCount > capacity + 1 { note("held \(buffer.heldCount) > capacity \(capacity)") }
    }
    buffer.flush(handler)

    #expect(violations.isEmpty, "\(violations)")
    #expect(ready + dropped == fed)
    #expect(buffer.heldCount == 0)
    let statistics = buffer.statistics
    #expect(statistics.settled == UInt64(fed))
    #expect(statistics.ready == UInt64(ready))
    #expect(statistics.streams >= 2)
    // With 10 % duplicates and 5 % loss, most packets play and every duplicate is dropped.
    #expect(statistics.duplicates > UInt64(fed / 20))
    #expect(Double(ready) > Double(fed) * 0.7)
  }
}
