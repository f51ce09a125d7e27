import RTPPackets

/// A jitter buffer: librtpsynth's `rtpjbuf` contract, made O(1) per packet and right where that
/// one is measurably wrong.
///
/// Feed it datagrams as they arrive; it reports, through a handler and in play-out order, the
/// packets that are ready, an erasure for each void, and the packets it drops (late, duplicate,
/// or strays). It holds up to `capacity` packets that arrived ahead of a gap, as librtpsynth's
/// does; one more makes it give up on the first gap and play the run behind it. A packet too
/// far ahead for the ring of sequence numbers (over 1024 ahead, or twice the capacity) pushes
/// play-out on as well. ``flush(_:)`` releases everything held.
///
/// - Every packet is placed by its sequence number into a slot of a ring, so feeding costs the
///   same at capacity 20 or 1000; its bytes go to one of `capacity + 2` buffers, so memory is
///   bounded by the capacity, and nothing is allocated per packet once each buffer has held a
///   packet of the stream's size.
/// - Sequence numbers are extended to 64 bits as RFC 3550 appendix A.1 does: a loss across the
///   wrap from 65535 to 0 is a loss, a straggler from before the wrap is late, and a jump too
///   large to be loss is taken for a restart only when the next packet confirms it.
/// - A new SSRC ends the stream and starts another; no erasure spans the two.
/// - Erasures carry their timestamp span in 64 bits.
/// - With `maxDelay`, a packet held behind a gap is released once it has waited that long on the
///   caller's clock, so a loss before a silence does not hold play-out for the whole silence.
/// - At a stream's start nothing has been played, so nothing is late yet: the first packets are
///   held as if behind a gap (until the capacity is exceeded, `maxDelay` passes or the buffer is
///   flushed), and a packet that arrives after its successors, within the ring, starts the
///   stream instead of being dropped. Only the stream's first play-out waits; an in-order stream
///   flows packet by packet after it.
///
/// Every valid packet fed ends in exactly one of ready or dropped once the buffer is flushed.
public final class JitterBuffer {
  /// The most packets held while waiting for a gap to fill.
  public let capacity: Int
  /// How long, in nanoseconds of the arrival clock, a packet may wait behind a gap; `nil` to wait
  /// only for capacity.
  public let maxDelay: Int64?

  /// The largest capacity accepted: the sequence windows must stay well inside 16 bits.
  public static let maximumCapacity = 8192

  private let slotMask: Int
  private let wordCount: Int
  private let slots: UnsafeMutablePointer<Slot>
  private let occupied: UnsafeMutablePointer<UInt64>
  private let historyMask: Int
  private let historyWords: Int
  private let delivered: UnsafeMutablePointer<UInt64>
  private let candidate: UnsafeMutablePointer<Slot>
  /// `capacity + 2` buffers: one per held packet, one for a restart candidate, and free ones
  /// on a stack.
  private let buffers: UnsafeMutablePointer<Buffer>
  private let bufferCount: Int
  private let freeBuffers: UnsafeMutablePointer<Int>
  private var freeCount: Int {
    get { state.pointee.freeCount }
    set { state.pointee.freeCount = newValue }
  }
  private let state: UnsafeMutablePointer<State>
  private let maxDropout: Int
  private let maxMisorder: Int

  /// A held packet: which buffer holds its bytes and what validation found.
  private struct Slot {
    var sequence: Int64 = 0
    var arrival: Int64 = 0
    var length = 0
    var headerLength = 0
    var paddingLength = 0
    var buffer = 0
  }

  /// Bytes for one held packet, reused from packet to packet.
  private struct Buffer {
    var storage: UnsafeMutableRawPointer? = nil
    var capacity = 0

    @inline(__always)
    mutating func store(_ bytes: UnsafeRawBufferPointer) {
      if capacity < bytes.count {
        storage?.deallocate()
        capacity = max(bytes.count, 256, capacity * 2)
        storage = .allocate(byteCount: capacity, alignment: 8)
      }
      if let base = bytes.baseAddress, bytes.count > 0 {
        storage!.copyMemory(from: base, byteCount: bytes.count)
      }
    }
  }

  private struct State {
    var started = false
    var ssrc: UInt32 = 0
    /// The lowest sequence number play-out still waits for.
    var nextExpected: Int64 = 0
    /// The highest sequence number seen: the reference for extending the next one.
    var highest: Int64 = 0
    /// The stream's first sequence number.
    var base: Int64 = 0
    var lastDelivered: Int64 = 0
    var lastTimestamp: UInt32 = 0
    var heldCount = 0
    /// The earliest arrival among held packets.
    var blockedSince: Int64 = 0
    var hasCandidate = false
    /// Whether the stream has started but played nothing yet, so that an earlier packet may
    /// still move its start back.
    var priming = false
    var freeCount = 0
    var statistics = JitterBufferStatistics()
  }

  /// Creates a buffer holding up to `capacity` packets (1 to ``maximumCapacity``).
  ///
  /// - Parameters:
  ///   - capacity: How many packets the buffer holds while it waits for a gap to fill.
  ///   - maxDelay: Release a packet held behind a gap once it has waited this many
  ///     nanoseconds of the arrival clock.
  public init(capacity: Int, maxDelay: Int64? = nil) {
    precondition(
      capacity >= 1 && capacity <= Self.maximumCapacity, "capacity must be 1...8192 packets")
    precondition(maxDelay.map { $0 >= 0 } ?? true, "maxDelay must not be negative")
    self.capacity = capacity
    self.maxDelay = maxDelay
    var slotCount = 1024
    while slotCount < 2 * capacity { slotCount <<= 1 }
    slotMask = slotCount - 1
    wordCount = slotCount / 64
    let historyBits = slotCount
    historyMask = historyBits - 1
    historyWords = historyBits / 64
    maxMisorder = historyBits
    maxDropout = max(3000, slotCount)
    // Slots are not initialized here: a slot is written whole when a packet is stored in it and
    // read only while its bit in `occupied` is set (Slot is a trivial type), so the table's
    // pages (up to 768 KiB at capacity 8192) are touched only as packets come to use them.
    slots = .allocate(capacity: slotCount)
    occupied = .allocate(capacity: wordCount)
    occupied.initialize(repeating: 0, count: wordCount)
    delivered = .allocate(capacity: historyWords)
    delivered.initialize(repeating: 0, count: historyWords)
    candidate = .allocate(capacity: 1)
    candidate.initialize(to: Slot())
    bufferCount = capacity + 2
    buffers = .allocate(capacity: bufferCount)
    buffers.initialize(repeating: Buffer(), count: bufferCount)
    freeBuffers = .allocate(capacity: bufferCount)
    for index in 0..<bufferCount { freeBuffers[index] = bufferCount - 1 - index }
    state = .allocate(capacity: 1)
    state.initialize(to: State())
    state.pointee.freeCount = bufferCount
  }

  deinit {
    for index in 0..<bufferCount { buffers[index].storage?.deallocate() }
    buffers.deinitialize(count: bufferCount)
    buffers.deallocate()
    freeBuffers.deallocate()
    slots.deallocate()
    occupied.deallocate()
    delivered.deallocate()
    candidate.deallocate()
    state.deallocate()
  }

  /// Counters so far.
  public var statistics: JitterBufferStatistics {
    var statistics = state.pointee.statistics
    statistics.held = UInt64(state.pointee.heldCount + (state.pointee.hasCandidate ? 1 : 0))
    return statistics
  }

  /// Packets held now.
  public var heldCount: Int { state.pointee.heldCount + (state.pointee.hasCandidate ? 1 : 0) }

  // MARK: Feeding

  /// Feeds one datagram that arrived at `arrival` (nanoseconds on any steady clock, such as a
  /// capture's timestamps) and reports what it makes ready or dropped to `handler`, in order.
  ///
  /// A datagram that is not valid RTP changes nothing and is thrown as its ``/RTPPackets/RTPParseError``.
  public func feed(
    _ bytes: UnsafeRawBufferPointer, arrival: Int64, _ handler: (JitterBufferEvent) -> Void
  ) throws(RTPParseError) {
    let packet: RTPPacket
    do {
      packet = try RTPPacket(validating: bytes)
    } catch {
      state.pointee.statistics.fed += 1
      state.pointee.statistics.parseErrors += 1
      throw error
    }
    feed(packet, arrival: arrival, handler)
  }

  /// ``feed(_:arrival:_:)`` for a packet the caller has validated already: the play-out
  /// pipeline's, which sorts every datagram before it chooses the stream's.
  @inline(__always)
  func feed(_ packet: RTPPacket, arrival: Int64, _ handler: (JitterBufferEvent) -> Void) {
    state.pointee.statistics.fed += 1
    if let maxDelay { releaseExpired(now: arrival, maxDelay: maxDelay, handler) }
    if !state.pointee.started || packet.ssrc != state.pointee.ssrc {
      if state.pointee.started {
        releaseAll(handler)
        dropCandidate(handler)
      }
      startStream(packet, sequence: Int64(packet.sequenceNumber), arrival: arrival, handler)
      return
    }
    let highest = state.pointee.highest
    let delta = Int(packet.sequenceNumber &- UInt16(truncatingIfNeeded: highest))
    let sequence: Int64
    if delta < maxDropout {
      sequence = highest + Int64(delta)
      state.pointee.highest = sequence
      if state.pointee.hasCandidate { dropCandidate(handler) }
    } else if delta > 65536 - maxMisorder {
      sequence = highest - Int64(65536 - delta)
    } else {
      jump(packet, forward: highest + Int64(delta), arrival: arrival, handler)
      return
    }
    place(packet, sequence: sequence, arrival: arrival, handler)
  }

  /// Releases packets that have waited longer than `maxDelay` by `now`, for a caller whose
  /// clock moves on while no packets arrive. Does nothing without a `maxDelay`.
  public func advance(to now: Int64, _ handler: (JitterBufferEvent) -> Void) {
    if let maxDelay { releaseExpired(now: now, maxDelay: maxDelay, handler) }
  }

  /// Releases every held packet in order, with erasures between runs, and drops an unconfirmed
  /// restart candidate. The buffer stays usable; the stream continues after the last packet.
  public func flush(_ handler: (JitterBufferEvent) -> Void) {
    releaseAll(handler)
    dropCandidate(handler)
  }

  // MARK: Placing packets

  @inline(__always)
  private func place(
    _ packet: RTPPacket, sequence: Int64, arrival: Int64, _ handler: (JitterBufferEvent) -> Void
  ) {
    let s = state
    if sequence < s.pointee.nextExpected {
      if s.pointee.priming, s.pointee.highest - sequence <= Int64(slotMask) {
        // Nothing played yet: this packet starts the stream instead of its successors.
        s.pointee.nextExpected = sequence
        s.pointee.base = sequence
        s.pointee.lastDelivered = sequence - 1
      } else {
        let reason = hasBeenDelivered(sequence) ? JitterBufferDropReason.duplicate : .late
        drop(packet, sequence: sequence, arrival: arrival, reason: reason, handler)
        return
      }
    }
    if sequence > s.pointee.nextExpected + Int64(slotMask) {
      releaseUpTo(sequence - Int64(slotMask), handler)
    }
    if sequence == s.pointee.nextExpected, !s.pointee.priming {
      deliver(packet, sequence: sequence, arrival: arrival, handler)
      s.pointee.nextExpected = sequence + 1
      releaseConsecutive(handler)
      return
    }
    let index = Int(truncatingIfNeeded: sequence) & slotMask
    if isOccupied(index) {
      drop(packet, sequence: sequence, arrival: arrival, reason: .duplicate, handler)
      return
    }
    store(packet, sequence: sequence, arrival: arrival, in: slots + index)
    occupied[index >> 6] |= 1 << UInt64(index & 63)
    if s.pointee.heldCount == 0 || arrival < s.pointee.blockedSince {
      s.pointee.blockedSince = arrival
    }
    s.pointee.heldCount += 1
    if s.pointee.heldCount > capacity {
      // Full: give up on the first gap and play the run behind it.
      let next = firstHeld()
      deliverSlot(Int(truncatingIfNeeded: next) & slotMask, handler)
      s.pointee.nextExpected = next + 1
      releaseConsecutive(handler)
    }
  }

  /// Copies `packet` into a free buffer and records it in `slot`.
  @inline(__always)
  private func store(
    _ packet: RTPPacket, sequence: Int64, arrival: Int64, in slot: UnsafeMutablePointer<Slot>
  ) {
    freeCount -= 1
    let buffer = freeBuffers[freeCount]
    buffers[buffer].store(packet.bytes)
    slot.pointee = Slot(
      sequence: sequence, arrival: arrival, length: packet.bytes.count,
      headerLength: packet.headerLength, paddingLength: packet.paddingLength, buffer: buffer)
  }

  /// The packet a slot holds, viewing its buffer.
  @inline(__always)
  private func packet(in slot: Slot) -> RTPPacket {
    RTPPacket(
      validated: UnsafeRawBufferPointer(start: buffers[slot.buffer].storage, count: slot.length),
      headerLength: slot.headerLength, paddingLength: slot.paddingLength)
  }

  /// Returns a slot's buffer to the free stack, once its packet has been handed out.
  @inline(__always)
  private func recycle(_ slot: Slot) {
    freeBuffers[freeCount] = slot.buffer
    freeCount += 1
  }

  /// A sequence number too far from the stream's to be loss or reordering: hold it as a restart
  /// candidate; if the packet before it was a candidate and this one follows it, the restart is
  /// confirmed.
  private func jump(
    _ packet: RTPPacket, forward: Int64, arrival: Int64, _ handler: (JitterBufferEvent) -> Void
  ) {
    let s = state
    if s.pointee.hasCandidate,
      packet.sequenceNumber == UInt16(truncatingIfNeeded: candidate.pointee.sequence) &+ 1
    {
      releaseAll(handler)
      s.pointee.hasCandidate = false
      // Start the new run in the next cycle so that extended numbers keep increasing.
      let cycleStart = (s.pointee.highest >> 16 + 1) << 16
      let first = cycleStart + (candidate.pointee.sequence & 0xFFFF)
      let held = candidate.pointee
      startStream(self.packet(in: held), sequence: first, arrival: held.arrival, handler)
      recycle(held)
      place(packet, sequence: first + 1, arrival: arrival, handler)
      s.pointee.highest = first + 1
      return
    }
    dropCandidate(handler)
    store(packet, sequence: forward, arrival: arrival, in: candidate)
    s.pointee.hasCandidate = true
  }

  private func startStream(
    _ packet: RTPPacket, sequence: Int64, arrival: Int64, _ handler: (JitterBufferEvent) -> Void
  ) {
    let s = state
    s.pointee.started = true
    s.pointee.ssrc = packet.ssrc
    s.pointee.base = sequence
    s.pointee.highest = sequence
    s.pointee.nextExpected = sequence
    s.pointee.lastDelivered = sequence - 1
    s.pointee.lastTimestamp = packet.timestamp
    s.pointee.statistics.streams += 1
    delivered.update(repeating: 0, count: historyWords)
    handler(.streamStarted(ssrc: packet.ssrc))
    s.pointee.priming = true
    place(packet, sequence: sequence, arrival: arrival, handler)
  }

  // MARK: Releasing packets

  /// Reports `packet` ready, preceded by an erasure if packets before it were never played.
  @inline(__always)
  private func deliver(
    _ packet: RTPPacket, sequence: Int64, arrival: Int64, _ handler: (JitterBufferEvent) -> Void
  ) {
    let s = state
    let last = s.pointee.lastDelivered
    if sequence > last + 1 {
      let erasure = JitterBufferErasure(
        firstSequence: last + 1, lastSequence: sequence - 1,
        timestampSpan: Int64(packet.timestamp &- s.pointee.lastTimestamp))
      clearHistory(from: last + 1, through: sequence - 1)
      s.pointee.statistics.erasures += 1
      s.pointee.statistics.erasedPackets += UInt64(erasure.packetCount)
      handler(.erasure(erasure))
    }
    let bit = Int(truncatingIfNeeded: sequence) & historyMask
    delivered[bit >> 6] |= 1 << UInt64(bit & 63)
    s.pointee.priming = false
    s.pointee.lastDelivered = sequence
    s.pointee.lastTimestamp = packet.timestamp
    s.pointee.statistics.ready += 1
    handler(
      .ready(JitterBufferPacket(extendedSequence: sequence, arrival: arrival, packet: packet)))
  }

  /// Delivers the held packet in slot `index` and frees the slot.
  @inline(__always)
  private func deliverSlot(_ index: Int, _ handler: (JitterBufferEvent) -> Void) {
    occupied[index >> 6] &= ~(1 << UInt64(index & 63))
    state.pointee.heldCount -= 1
    let slot = slots[index]
    deliver(packet(in: slot), sequence: slot.sequence, arrival: slot.arrival, handler)
    recycle(slot)
  }

  /// Delivers held packets while the next expected one is among them.
  @inline(__always)
  private func releaseConsecutive(_ handler: (JitterBufferEvent) -> Void) {
    let s = state
    while s.pointee.heldCount > 0 {
      let index = Int(truncatingIfNeeded: s.pointee.nextExpected) & slotMask
      guard isOccupied(index) else { return }
      deliverSlot(index, handler)
      s.pointee.nextExpected += 1
    }
  }

  /// Moves play-out up to `limit`: held packets below it are delivered in order, the gaps
  /// between them become erasures, and packets after it that follow on are delivered too.
  private func releaseUpTo(_ limit: Int64, _ handler: (JitterBufferEvent) -> Void) {
    let s = state
    while s.pointee.heldCount > 0 {
      let next = firstHeld()
      if next >= limit { break }
      deliverSlot(Int(truncatingIfNeeded: next) & slotMask, handler)
      s.pointee.nextExpected = next + 1
    }
    if s.pointee.nextExpected < limit { s.pointee.nextExpected = limit }
    releaseConsecutive(handler)
  }

  private func releaseAll(_ handler: (JitterBufferEvent) -> Void) {
    let s = state
    while s.pointee.heldCount > 0 {
      let next = firstHeld()
      deliverSlot(Int(truncatingIfNeeded: next) & slotMask, handler)
      s.pointee.nextExpected = next + 1
    }
  }

  /// Releases the run behind the first gap while the oldest held packet has waited `maxDelay`.
  private func releaseExpired(now: Int64, maxDelay: Int64, _ handler: (JitterBufferEvent) -> Void) {
    let s = state
    while s.pointee.heldCount > 0, now &- s.pointee.blockedSince >= maxDelay {
      let next = firstHeld()
      deliverSlot(Int(truncatingIfNeeded: next) & slotMask, handler)
      s.pointee.nextExpected = next + 1
      releaseConsecutive(handler)
      if s.pointee.heldCount > 0 { s.pointee.blockedSince = earliestHeldArrival() }
    }
  }

  private func drop(
    _ packet: RTPPacket, sequence: Int64, arrival: Int64, reason: JitterBufferDropReason,
    _ handler: (JitterBufferEvent) -> Void
  ) {
    switch reason {
    case .late: state.pointee.statistics.late += 1
    case .duplicate: state.pointee.statistics.duplicates += 1
    case .outOfSequence: state.pointee.statistics.outOfSequence += 1
    }
    handler(
      .dropped(
        JitterBufferPacket(extendedSequence: sequence, arrival: arrival, packet: packet), reason))
  }

  private func dropCandidate(_ handler: (JitterBufferEvent) -> Void) {
    guard state.pointee.hasCandidate else { return }
    state.pointee.hasCandidate = false
    let slot = candidate.pointee
    drop(
      packet(in: slot), sequence: slot.sequence, arrival: slot.arrival, reason: .outOfSequence,
      handler)
    recycle(slot)
  }

  // MARK: Bookkeeping

  @inline(__always)
  private func isOccupied(_ index: Int) -> Bool {
    occupied[index >> 6] & (1 << UInt64(index & 63)) != 0
  }

  /// The sequence number of the first held packet at or after `nextExpected`; there is one.
  private func firstHeld() -> Int64 {
    let start = state.pointee.nextExpected
    let startIndex = Int(truncatingIfNeeded: start) & slotMask
    var word = startIndex >> 6
    var bits = occupied[word] >> UInt64(startIndex & 63)
    var distance = 0
    if bits != 0 { return start + Int64(bits.trailingZeroBitCount) }
    distance = 64 - (startIndex & 63)
    for _ in 0..<wordCount {
      word = word + 1 == wordCount ? 0 : word + 1
      bits = occupied[word]
      if bits != 0 { return start + Int64(distance + bits.trailingZeroBitCount) }
      distance += 64
    }
    preconditionFailure("held count and occupancy disagree")
  }

  private func earliestHeldArrival() -> Int64 {
    var earliest = Int64.max
    for word in 0..<wordCount {
      var bits = occupied[word]
      while bits != 0 {
        let index = word << 6 | bits.trailingZeroBitCount
        earliest = min(earliest, slots[index].arrival)
        bits &= bits - 1
      }
    }
    return earliest
  }

  /// Whether `sequence`, behind play-out, was played (a duplicate) rather than passed over
  /// (late). Beyond the remembered history it counts as late.
  private func hasBeenDelivered(_ sequence: Int64) -> Bool {
    let s = state.pointee
    guard sequence >= s.base, sequence <= s.lastDelivered,
      s.lastDelivered - sequence <= Int64(historyMask)
    else { return false }
    let bit = Int(truncatingIfNeeded: sequence) & historyMask
    return delivered[bit >> 6] & (1 << UInt64(bit & 63)) != 0
  }

  private func clearHistory(from first: Int64, through last: Int64) {
    if last - first >= Int64(historyMask) {
      delivered.update(repeating: 0, count: historyWords)
      return
    }
    var sequence = first
    while sequence <= last {
      let bit = Int(truncatingIfNeeded: sequence) & historyMask
      if bit & 63 == 0 && last - sequence >= 63 {
        delivered[bit >> 6] = 0
        sequence += 64
      } else {
        delivered[bit >> 6] &= ~(1 << UInt64(bit & 63))
        sequence += 1
      }
    }
  }
}
