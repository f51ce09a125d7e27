// libFuzzer target: the JitterBuffer fed an arbitrary datagram sequence, its invariant checked.
//
// An input is:
//   byte 0    capacity, capacities[b & 15]; release by time after ((b >> 4) & 7) × 20 ms when
//             b & 0x80, else by capacity only
//   then two-byte operations (op, arg) until the input ends: stream op & 3 (four SSRCs), and by
//   (op >> 2) & 7:
//   0...2     one packet at the stream's last sequence number + Int8(arg) (0 repeats it)
//   3         (arg & 15) + 1 packets in order
//   4         a jump of arg × 257 (+ 1) sequence numbers
//   5         a packet again: the header of one of the last 16 sent, a new payload
//   6         a datagram that is not RTP (too short, bad version, RTCP, bad lengths)
//   7         arg × 5 ms pass on the arrival clock (advance(to:)); arg 255 flushes
//   op >> 5 shapes the packet: padding, CSRCs, a header extension.
//
// Checked: every valid packet fed (each carries a unique number in its payload) ends in exactly
// one of ready or dropped once flushed; within a stream, ready packets come strictly in order of
// extended sequence number, whose low 16 bits are the packet's, with one erasure for exactly each
// gap and none otherwise; the buffer never holds more than capacity + 1 (the restart candidate);
// the statistics agree with the events. A violation traps.
//
// Built by scripts/fuzz with RTPCore's sources in one module, so internal API is in reach.

let capacities = [1, 2, 3, 4, 5, 8, 16, 20, 31, 64, 100, 500, 1000, 4000, 8192, 2]
let ssrcs: [UInt32] = [1, 2, 0xDEAD_BEEF, 0xFFFF_FFFF]

/// What the handler has seen.
final class Observer {
  var outcomes: [UInt8] = []
  var ready = 0
  var dropped = 0
  var ssrc: UInt32?
  var lastReady: Int64?
  var pendingErasure: JitterBufferErasure?

  func identify(_ packet: RTPPacket) -> Int {
    let payload = packet.payload
    precondition(payload.count >= 4, "payload lost its number")
    let number = Int(payload.loadBigEndian(as: UInt32.self, at: 0))
    precondition(number < outcomes.count, "packet \(number) was never fed")
    return number
  }

  func settle(_ packet: RTPPacket) {
    let number = identify(packet)
    precondition(outcomes[number] == 0, "packet \(number) settled twice")
    outcomes[number] = 1
  }

  func observe(_ event: JitterBufferEvent) {
    switch event {
    case .streamStarted(let ssrc):
      precondition(pendingErasure == nil, "erasure before a stream start")
      self.ssrc = ssrc
      lastReady = nil
    case .erasure(let erasure):
      precondition(pendingErasure == nil, "two erasures in a row")
      guard let last = lastReady else { preconditionFailure("erasure before any ready packet") }
      precondition(erasure.firstSequence == last + 1, "erasure starts at \(erasure.firstSequence)")
      precondition(erasure.lastSequence >= erasure.firstSequence, "empty erasure")
      pendingErasure = erasure
    case .ready(let frame):
      ready += 1
      settle(frame.packet)
      let sequence = frame.extendedSequence
      precondition(frame.packet.ssrc == ssrc, "ready packet of another stream")
      precondition(
        UInt16(truncatingIfNeeded: sequence) == frame.packet.sequenceNumber,
        "extended \(sequence) does not end in \(frame.packet.sequenceNumber)")
      if let last = lastReady {
        if let erasure = pendingErasure {
          precondition(erasure.lastSequence + 1 == sequence, "erasure does not end at \(sequence)")
        } else {
          precondition(sequence == last + 1, "gap from \(last) to \(sequence) without erasure")
        }
      } else {
        precondition(pendingErasure == nil)
      }
      lastReady = sequence
      pendingErasure = nil
    case .dropped(let frame, _):
      dropped += 1
      settle(frame.packet)
    }
  }
}

struct Sent {
  var ssrc: UInt32
  var sequence: UInt16
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
  let input = UnsafeRawBufferPointer(start: data, count: size)
  guard let setup = input.first else { return 0 }
  let capacity = capacities[Int(setup & 15)]
  let maxDelay: Int64? = setup & 0x80 != 0 ? Int64((setup >> 4) & 7) * 20_000_000 : nil
  let buffer = JitterBuffer(capacity: capacity, maxDelay: maxDelay)
  let observer = Observer()
  let handler: (JitterBufferEvent) -> Void = { observer.observe($0) }
  var last: [UInt16] = [0, 1000, 65_530, 32_768]
  var history: [Sent] = []
  var arrival: Int64 = 0
  var fed = 0
  var invalid = 0
  var packet = [UInt8](repeating: 0, count: 128)

  func send(_ sent: Sent, shape: UInt8) {
    // Header, CSRCs, extension, then the packet's number, then padding.
    var length = 12
    var first: UInt8 = 0x80
    let csrcs = Int(shape & 3)
    first |= UInt8(csrcs)
    length += 4 * csrcs
    if shape & 4 != 0 {
      first |= 0x10
      packet[length] = 0xBE
      packet[length + 1] = 0xDE
      packet[length + 2] = 0
      packet[length + 3] = 1
      packet[length + 4] = 0x10
      length += 8
    }
    packet.withUnsafeMutableBytes { raw in
      raw.storeBigEndian(UInt32(observer.outcomes.count), at: length)
    }
    length += 4
    if shape & 2 != 0 {
      first |= 0x20
      packet[length] = 0
      packet[length + 1] = 2
      length += 2
    }
    packet[0] = first
    packet[1] = 0
    packet.withUnsafeMutableBytes { raw in
      raw.storeBigEndian(sent.sequence, at: 2)
      raw.storeBigEndian(UInt32(truncatingIfNeeded: Int(sent.sequence) &* 160), at: 4)
      raw.storeBigEndian(sent.ssrc, at: 8)
    }
    observer.outcomes.append(0)
    arrival += 20_000_000
    fed += 1
    packet.withUnsafeBytes { raw in
      do {
        try buffer.feed(
          UnsafeRawBufferPointer(rebasing: raw[0..<length]), arrival: arrival, handler)
      } catch {
        preconditionFailure("a valid packet did not parse: \(error)")
      }
    }
    precondition(buffer.heldCount <= capacity + 1, "held \(buffer.heldCount) > \(capacity) + 1")
    if history.count == 16 { history.removeFirst() }
    history.append(sent)
  }

  var position = 1
  while position + 1 < input.count {
    let op = input[position]
    let arg = input[position + 1]
    position += 2
    let stream = Int(op & 3)
    let shape = op >> 5
    switch (op >> 2) & 7 {
    case 0, 1, 2:
      last[stream] = last[stream] &+ UInt16(bitPattern: Int16(Int8(bitPattern: arg)))
      send(Sent(ssrc: ssrcs[stream], sequence: last[stream]), shape: shape)
    case 3:
      for _ in 0...(arg & 15) {
        last[stream] &+= 1
        send(Sent(ssrc: ssrcs[stream], sequence: last[stream]), shape: shape)
      }
    case 4:
      last[stream] &+= UInt16(arg) &* 257 &+ 1
      send(Sent(ssrc: ssrcs[stream], sequence: last[stream]), shape: shape)
    case 5:
      guard !history.isEmpty else { continue }
      send(history[Int(arg) % history.count], shape: shape)
    case 6:
      // Not RTP: each of these must be thrown and change nothing.
      let bad: [UInt8]
      switch arg & 7 {
      case 0: bad = Array(repeating: 0x80, count: Int(arg >> 3) % 12)
      case 1: bad = [0x40] + Array(repeating: 0, count: 11)
      case 2: bad = [0x80, 200] + Array(repeating: 0, count: 10)
      case 3: bad = [0x8F] + Array(repeating: 0, count: 15)
      case 4: bad = [0x90] + Array(repeating: 0, count: 13) + [0xFF, 0xFF]
      case 5: bad = [0xA0] + Array(repeating: 0, count: 11) + [0x09]
      default: bad = [0xA0] + Array(repeating: 0, count: 11) + [0x00]
      }
      let held = buffer.heldCount
      arrival += 1_000_000
      bad.withUnsafeBytes { raw in
        do {
          try buffer.feed(raw, arrival: arrival, handler)
          preconditionFailure("\(bad) parsed as RTP")
        } catch {}
      }
      precondition(buffer.heldCount == held, "an invalid datagram changed what is held")
      invalid += 1
    default:
      if arg == 255 {
        buffer.flush(handler)
        precondition(buffer.heldCount == 0, "held \(buffer.heldCount) after a flush")
      } else {
        arrival += Int64(arg) * 5_000_000
        buffer.advance(to: arrival, handler)
      }
    }
  }
  buffer.flush(handler)

  precondition(buffer.heldCount == 0, "held \(buffer.heldCount) after the flush")
  precondition(observer.pendingErasure == nil, "an erasure with no packet after it")
  precondition(observer.ready + observer.dropped == fed, "fed \(fed), settled otherwise")
  if let unsettled = observer.outcomes.firstIndex(of: 0) {
    preconditionFailure("packet \(unsettled) neither ready nor dropped")
  }
  let statistics = buffer.statistics
  precondition(statistics.fed == UInt64(fed + invalid), "statistics: fed \(statistics.fed)")
  precondition(statistics.parseErrors == UInt64(invalid), "statistics: parse errors")
  precondition(statistics.ready == UInt64(observer.ready), "statistics: ready")
  precondition(statistics.settled == UInt64(fed), "statistics: settled \(statistics.settled)")
  precondition(statistics.held == 0, "statistics: held")
  return 0
}
