import RTPCore
import Testing

@testable import RTPPackets
@testable import RTPPlayout

/// A packet for the tests: sequence, timestamp and SSRC in a 12-byte header and a 4-byte payload.
private func rtp(_ sequence: UInt16, ts: UInt32? = nil, ssrc: UInt32 = 0xABCD, step: UInt32 = 160)
  -> [UInt8]
{
  let header = RTPHeader(
    payloadType: 0, sequenceNumber: sequence, timestamp: ts ?? UInt32(sequence) &* step, ssrc: ssrc)
  return try! header.serialized(payload: [1, 2, 3, 4])
}

/// What the buffer reported, in order, as comparable values.
private enum Seen: Hashable, CustomStringConvertible {
  case start(UInt32)
  case ready(Int64)
  case erasure(Int64, Int64, span: Int64)
  case dropped(Int64, JitterBufferDropReason)

  var description: String {
    switch self {
    case .start(let ssrc): return "start \(ssrc)"
    case .ready(let sequence): return "ready \(sequence)"
    case .erasure(let first, let last, let span): return "erasure \(first)-\(last) span \(span)"
    case .dropped(let sequence, let reason): return "dropped \(sequence) \(reason)"
    }
  }
}

private final class Recorder {
  let buffer: JitterBuffer
  var seen: [Seen] = []

  init(capacity: Int, maxDelay: Int64? = nil) {
    buffer = JitterBuffer(capacity: capacity, maxDelay: maxDelay)
  }

  func record(_ event: JitterBufferEvent) {
    switch event {
    case .streamStarted(let ssrc): seen.append(.start(ssrc))
    case .ready(let packet): seen.append(.ready(packet.extendedSequence))
    case .erasure(let erasure):
      seen.append(
        .erasure(erasure.firstSequence, erasure.lastSequence, span: erasure.timestampSpan))
    case .dropped(let packet, let reason): seen.append(.dropped(packet.extendedSequence, reason))
    }
  }

  func feed(_ bytes: [UInt8], at time: Int64 = 0) {
    bytes.withUnsafeBytes { raw in
      try! buffer.feed(raw, arrival: time) { record($0) }
    }
  }

  func feed(sequences: [UInt16], ssrc: UInt32 = 0xABCD) {
    for sequence in sequences { feed(rtp(sequence, ssrc: ssrc)) }
  }

  func flush() {
    buffer.flush { record($0) }
  }

  /// Takes what was seen so far.
  func take() -> [Seen] {
    defer { seen = [] }
    return seen
  }
}

@Suite("JitterBuffer")
struct JitterBufferTests {
  @Test("An in-order stream is held for its start only, then ready packet by packet")
  func inOrder() {
    let recorder = Recorder(capacity: 2)
    recorder.feed(sequences: [10, 11])
    #expect(recorder.take() == [.start(0xABCD)])
    recorder.feed(sequences: [12])
    #expect(recorder.take() == [.ready(10), .ready(11), .ready(12)])
    recorder.feed(sequences: [13])
    #expect(recorder.take() == [.ready(13)])
    recorder.feed(sequences: [14])
    #expect(recorder.take() == [.ready(14)])
    #expect(recorder.buffer.heldCount == 0)
  }

  @Test("Reordered packets within capacity come out in order")
  func reorder() {
    let recorder = Recorder(capacity: 5)
    recorder.feed(sequences: [1, 3, 4, 2, 5, 6])
    #expect(
      recorder.take() == [
        .start(0xABCD), .ready(1), .ready(2), .ready(3), .ready(4), .ready(5), .ready(6),
      ])
  }

  @Test(
    "Reordering at the very start: the lowest sequence number starts the stream, nothing is late",
    arguments: [[2, 1, 3, 4, 5, 6, 7], [3, 2, 1, 4, 5, 6, 7], [2, 3, 1, 4, 5, 6, 7]] as [[UInt16]])
  func reorderedStart(sequences: [UInt16]) {
    let recorder = Recorder(capacity: 3)
    recorder.feed(sequences: sequences)
    recorder.flush()
    #expect(recorder.take() == [.start(0xABCD)] + (Int64(1)...7).map { .ready($0) })
    #expect(recorder.buffer.statistics.late == 0)
  }

  @Test("At the start, maxDelay releases the held packets in order once the first has waited")
  func reorderedStartByTime() {
    let recorder = Recorder(capacity: 50, maxDelay: 60_000_000)
    recorder.feed(rtp(2), at: 0)
    recorder.feed(rtp(1), at: 10_000_000)
    recorder.feed(rtp(3), at: 20_000_000)
    #expect(recorder.take() == [.start(0xABCD)])
    recorder.buffer.advance(to: 59_000_000) { recorder.record($0) }
    #expect(recorder.take() == [])
    recorder.buffer.advance(to: 60_000_000) { recorder.record($0) }
    #expect(recorder.take() == [.ready(1), .ready(2), .ready(3)])
    // Once play-out has begun, an earlier packet is late as usual.
    recorder.feed(rtp(4), at: 70_000_000)
    recorder.feed(rtp(0), at: 80_000_000)
    #expect(recorder.take() == [.ready(4), .dropped(0, .late)])
  }

  @Test("A loss becomes one erasure with the timestamp span, once capacity pushes play-out on")
  func lossErasure() {
    let recorder = Recorder(capacity: 2)
    recorder.feed(sequences: [1, 4, 5, 6])
    #expect(
      recorder.take() == [
        .start(0xABCD), .ready(1), .erasure(2, 3, span: 480), .ready(4), .ready(5), .ready(6),
      ])
  }

  @Test("Duplicates of played and of held packets, and late packets, are told apart")
  func dropsClassified() {
    let recorder = Recorder(capacity: 3)
    recorder.feed(sequences: [1, 2, 2, 4, 4, 8, 3])
    // Two packets held (4 and 8) is within capacity, so 3 still arrives in time.
    // 1 and 2 are held for the start, so their duplicates are reported before they play.
    let first: [Seen] = [
      .start(0xABCD), .dropped(2, .duplicate), .dropped(4, .duplicate), .ready(1), .ready(2),
      .ready(3), .ready(4),
    ]
    #expect(recorder.take() == first)
    // A fourth held packet (6, 7, 8, 9) is one too many: play-out gives up on 5, which is late.
    recorder.feed(sequences: [6, 7, 9, 5])
    let second: [Seen] = [
      .erasure(5, 5, span: 320), .ready(6), .ready(7), .ready(8), .ready(9), .dropped(5, .late),
    ]
    #expect(recorder.take() == second)
  }

  @Test("Capacity counts packets held, not the sequence distance they span")
  func capacityCountsPackets() {
    let recorder = Recorder(capacity: 2)
    // 40 arrives far ahead of 2, but only one packet is held, so 2...39 may still come.
    recorder.feed(sequences: [1, 40])
    recorder.feed(sequences: Array(2...39))
    let expected: [Seen] = [.start(0xABCD)] + (Int64(1)...40).map { .ready($0) }
    #expect(recorder.take() == expected)
  }

  // MARK: librtpsynth's measured faults, each in a few packets

  @Test("An outage across the 65535 → 0 wrap is a loss, not 63,536 late packets")
  func outageAcrossWrap() {
    let recorder = Recorder(capacity: 20)
    recorder.feed(sequences: [65_000, 65_001])
    // 1,134 packets lost (65002 ... 65535 and 0 ... 599): librtpsynth drops what follows as late.
    for sequence in 600..<625 {
      recorder.feed(
        rtp(UInt16(sequence), ts: UInt32(truncatingIfNeeded: (65_536 + sequence) * 160)))
    }
    let seen = recorder.take()
    let expected: [Seen] =
      [.start(0xABCD), .ready(65_000), .ready(65_001), .erasure(65_002, 66_135, span: 1135 * 160)]
      + (Int64(66_136)...66_160).map { .ready($0) }
    #expect(seen == expected)
    #expect(recorder.buffer.statistics.late == 0)
  }

  @Test("A straggler from before the wrap is late, not a 65,536-packet erasure")
  func stragglerBeforeWrap() {
    let recorder = Recorder(capacity: 4)
    recorder.feed(sequences: [65_533, 65_534, 65_535, 0, 1, 65_532, 2])
    #expect(
      recorder.take() == [
        .start(0xABCD), .ready(65_533), .ready(65_534), .ready(65_535), .ready(65_536),
        .ready(65_537), .dropped(65_532, .late), .ready(65_538),
      ])
  }

  @Test("An SSRC change ends the stream, releases what it held, and starts a new one")
  func ssrcChange() {
    let recorder = Recorder(capacity: 10)
    recorder.feed(sequences: [1, 3], ssrc: 1)
    recorder.feed(sequences: [500, 501], ssrc: 2)
    recorder.flush()
    #expect(
      recorder.take() == [
        .start(1), .ready(1), .erasure(2, 2, span: 320), .ready(3), .start(2), .ready(500),
        .ready(501),
      ])
  }

  @Test("Erasure spans are 64-bit: 2,500 packets lost at 48 kHz")
  func wideSpan() {
    let recorder = Recorder(capacity: 8)
    recorder.feed(rtp(1, step: 960))
    recorder.feed(rtp(2_502, step: 960))
    recorder.flush()
    #expect(
      recorder.take() == [
        .start(0xABCD), .ready(1), .erasure(2, 2_501, span: 2_501 * 960), .ready(2_502),
      ])
  }

  @Test("flush releases every held run with an erasure before each")
  func flushAllRuns() {
    let recorder = Recorder(capacity: 10)
    recorder.feed(sequences: [1, 3, 4, 6, 7, 9])
    #expect(recorder.take() == [.start(0xABCD)])
    #expect(recorder.buffer.heldCount == 6)
    recorder.flush()
    #expect(
      recorder.take() == [
        .ready(1), .erasure(2, 2, span: 320), .ready(3), .ready(4), .erasure(5, 5, span: 320),
        .ready(6),
        .ready(7), .erasure(8, 8, span: 320), .ready(9),
      ])
    #expect(recorder.buffer.heldCount == 0)
    recorder.feed(sequences: [10])
    #expect(recorder.take() == [.ready(10)])
  }

  @Test("Capacity 1 and 2 work: in order passes, a swap within capacity is repaired")
  func tinyCapacities() {
    let one = Recorder(capacity: 1)
    one.feed(sequences: [1, 2, 3, 5, 4, 6])
    #expect(
      one.take() == [
        .start(0xABCD), .ready(1), .ready(2), .ready(3), .ready(4), .ready(5), .ready(6),
      ])
    let two = Recorder(capacity: 2)
    two.feed(sequences: [1, 3, 4, 2, 5])
    #expect(
      two.take() == [.start(0xABCD), .ready(1), .ready(2), .ready(3), .ready(4), .ready(5)])
    let tight = Recorder(capacity: 1)
    tight.feed(sequences: [1, 3, 4, 2])
    #expect(
      tight.take() == [
        .start(0xABCD), .ready(1), .erasure(2, 2, span: 320), .ready(3), .ready(4),
        .dropped(2, .late),
      ])
  }

  @Test("maxDelay releases a packet held behind a loss instead of waiting through a silence")
  func maxDelay() {
    let recorder = Recorder(capacity: 50, maxDelay: 100_000_000)
    recorder.feed(rtp(1), at: 0)
    recorder.feed(rtp(3), at: 40_000_000)
    #expect(recorder.take() == [.start(0xABCD)])
    // 1 was held for the start since 0; 3 waits behind the loss of 2 from 40 ms.
    recorder.buffer.advance(to: 120_000_000) { recorder.record($0) }
    #expect(recorder.take() == [.ready(1)])
    recorder.buffer.advance(to: 140_000_000) { recorder.record($0) }
    #expect(recorder.take() == [.erasure(2, 2, span: 320), .ready(3)])
    // After a silence the next packet does not wait for the held one to expire.
    let patient = Recorder(capacity: 50, maxDelay: 100_000_000)
    patient.feed(rtp(1), at: 0)
    patient.feed(rtp(3), at: 20_000_000)
    patient.feed(rtp(4, ts: 4 * 160 + 40_000), at: 5_000_000_000)
    #expect(
      patient.take() == [
        .start(0xABCD), .ready(1), .erasure(2, 2, span: 320), .ready(3), .ready(4),
      ])
  }

  @Test("A sequence jump confirmed by the next packet restarts the stream without an erasure")
  func confirmedRestart() {
    let recorder = Recorder(capacity: 10)
    recorder.feed(sequences: [100, 101, 40_000, 40_001, 40_002])
    recorder.flush()
    let restart: Int64 = 65_536 + 40_000
    let expected: [Seen] = [
      .start(0xABCD), .ready(100), .ready(101), .start(0xABCD), .ready(restart),
      .ready(restart + 1), .ready(restart + 2),
    ]
    #expect(recorder.take() == expected)
  }

  @Test("A lone stray far from the sequence is dropped as out of sequence")
  func stray() {
    let recorder = Recorder(capacity: 10)
    recorder.feed(sequences: [100, 101, 30_000, 102, 103])
    recorder.flush()
    #expect(
      recorder.take() == [
        .start(0xABCD), .dropped(30_000, .outOfSequence), .ready(100), .ready(101),
        .ready(102), .ready(103),
      ])
    #expect(recorder.buffer.statistics.outOfSequence == 1)
  }

  @Test("Invalid datagrams are thrown as parse errors and change nothing")
  func parseErrors() {
    let buffer = JitterBuffer(capacity: 4)
    #expect(throws: RTPParseError.tooShort(length: 3)) { try buffer.feed([0x80, 0, 0]) }
    #expect(throws: RTPParseError.rtcp(packetType: 200)) {
      try buffer.feed([0x80, 200, 0, 6, 0, 0, 0, 1, 0, 0, 0, 0])
    }
    #expect(buffer.statistics.parseErrors == 2)
    #expect(buffer.statistics.fed == 2)
    #expect(buffer.statistics.streams == 0)
  }

  @Test("The collecting form returns copies of ready frames and drops")
  func collecting() throws {
    let buffer = JitterBuffer(capacity: 4)
    _ = try buffer.feed(rtp(7))
    let result = try buffer.feed(rtp(7))
    #expect(result.ready.isEmpty)
    #expect(result.dropped.map(\.reason) == [.duplicate])
    #expect(result.dropped.first?.bytes == rtp(7))
    _ = try buffer.feed(rtp(9))
    let flushed = buffer.flush()
    #expect(
      flushed.ready == [
        .packet(extendedSequence: 7, arrival: 0, bytes: rtp(7)),
        .erasure(JitterBufferErasure(firstSequence: 8, lastSequence: 8, timestampSpan: 320)),
        .packet(extendedSequence: 9, arrival: 0, bytes: rtp(9)),
      ])
  }
}
