#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// Reassembles IPv4 datagrams from their fragments in a fixed amount of memory.
///
/// At most `capacity` datagrams are in progress at once, each in its own preallocated slot of
/// 64 KiB plus a 1 KiB map of the 8-byte units received, so no stream of fragments, however long
/// or hostile, grows memory. When the table is full the oldest datagram is evicted; datagrams
/// older than `timeout` (capture time) expire. Fragments may arrive in any order and repeat;
/// overlapping bytes must agree, otherwise the datagram is dropped.
final class FragmentReassembler {
  /// The largest IPv4 payload: a 65535-byte total length minus the smallest header.
  static let maxPayload = 65_535 - 20
  private static let slotDataBytes = 65_536
  private static let mapBytes = slotDataBytes / 8 / 8
  private static let slotBytes = slotDataBytes + mapBytes

  /// The most datagrams in progress at once.
  let capacity: Int
  /// Capture-time nanoseconds after its first fragment that an incomplete datagram expires.
  let timeout: Int64
  // Stored state below is exempt from run-time exclusivity checks: only this type's own
  // methods touch it, on one thread, and the checks cost a fifth of a tool's time per packet.
  @exclusivity(unchecked) private var slots: [PartialDatagram]
  @exclusivity(unchecked) private var storage: UnsafeMutableRawPointer?
  @exclusivity(unchecked) private var nextSequence: UInt64 = 0
  /// Incomplete datagrams evicted to make room for a newer one.
  @exclusivity(unchecked) private(set) var evicted = 0
  /// Incomplete datagrams dropped because their fragments stopped arriving.
  @exclusivity(unchecked) private(set) var expired = 0
  /// Datagrams in progress now.
  @exclusivity(unchecked) private(set) var inProgress = 0

  init(capacity: Int = 64, timeout: Int64 = 30_000_000_000) {
    precondition(capacity > 0, "capacity must be positive")
    self.capacity = capacity
    self.timeout = timeout
    slots = [PartialDatagram](repeating: PartialDatagram(), count: capacity)
  }

  deinit {
    storage?.deallocate()
  }

  /// Adds the fragment carrying `data` at byte `offset` of the payload of the datagram keyed by
  /// (`source`, `destination`, `proto`, `identification`), received at `timestamp`.
  func add(
    source: UInt32, destination: UInt32, identification: UInt16, proto: UInt8,
    offset: Int, moreFragments: Bool, data: UnsafeRawBufferPointer, timestamp: Int64
  ) -> ReassemblyResult {
    let end = offset + data.count
    guard end <= Self.maxPayload else { return .rejected(.malformedIPv4) }
    if moreFragments {
      guard !data.isEmpty, data.count % 8 == 0 else { return .rejected(.malformedIPv4) }
    }
    expire(now: timestamp)
    let base = slotStorage()
    let slot = claim(
      source: source, destination: destination, identification: identification, proto: proto,
      timestamp: timestamp)
    let bytes = base + slot * Self.slotBytes
    let map = bytes + Self.slotDataBytes

    var entry = slots[slot]
    if entry.totalLength >= 0 {
      if end > entry.totalLength || (!moreFragments && end != entry.totalLength) {
        return reject(slot)
      }
    } else if !moreFragments && entry.highestEnd > end {
      return reject(slot)
    }

    var added = false
    var unit = offset / 8
    let lastUnit = (end + 7) / 8
    while unit < lastUnit {
      let unitStart = unit * 8
      let unitEnd = min(unitStart + 8, end)
      let fragmentBytes = data.baseAddress.map { $0 + (unitStart - offset) }
      let wordOffset = (unit / 64) * 8
      let bit = UInt64(1) << UInt64(unit % 64)
      let word = map.loadUnaligned(fromByteOffset: wordOffset, as: UInt64.self)
      if word & bit != 0 {
        if let fragmentBytes,
          !Self.equal(bytes + unitStart, fragmentBytes, count: unitEnd - unitStart)
        {
          return reject(slot)
        }
      } else {
        if let fragmentBytes {
          (bytes + unitStart).copyMemory(from: fragmentBytes, byteCount: unitEnd - unitStart)
        }
        map.storeBytes(of: word | bit, toByteOffset: wordOffset, as: UInt64.self)
        entry.unitsReceived += 1
        added = true
      }
      unit += 1
    }
    if !moreFragments { entry.totalLength = end }
    entry.highestEnd = max(entry.highestEnd, end)
    if entry.totalLength >= 0 && entry.unitsReceived == (entry.totalLength + 7) / 8 {
      release(slot)
      return .complete(UnsafeRawBufferPointer(start: bytes, count: entry.totalLength))
    }
    slots[slot] = entry
    return added ? .held : .rejected(.duplicateFragment)
  }

  /// Drops every datagram whose first fragment is older than ``timeout`` at capture time `now`.
  private func expire(now: Int64) {
    guard inProgress > 0 else { return }
    for index in slots.indices where slots[index].inUse {
      let (age, overflow) = now.subtractingReportingOverflow(slots[index].firstSeen)
      if !overflow && age > timeout {
        release(index)
        expired += 1
      }
    }
  }

  /// The slot holding this datagram, or a fresh one (evicting the oldest when all are in use).
  private func claim(
    source: UInt32, destination: UInt32, identification: UInt16, proto: UInt8, timestamp: Int64
  ) -> Int {
    var free = -1
    var oldest = -1
    for index in slots.indices {
      let entry = slots[index]
      if entry.matches(
        source: source, destination: destination, identification: identification, proto: proto)
      {
        return index
      }
      if !entry.inUse {
        if free < 0 { free = index }
      } else if oldest < 0 || entry.sequence < slots[oldest].sequence {
        oldest = index
      }
    }
    if free < 0 {
      free = oldest
      release(oldest)
      evicted += 1
    }
    slots[free] = PartialDatagram(
      inUse: true, source: source, destination: destination, identification: identification,
      proto: proto, firstSeen: timestamp, sequence: nextSequence)
    nextSequence &+= 1
    inProgress += 1
    let map = slotStorage() + free * Self.slotBytes + Self.slotDataBytes
    map.initializeMemory(as: UInt8.self, repeating: 0, count: Self.mapBytes)
    return free
  }

  private func reject(_ slot: Int) -> ReassemblyResult {
    release(slot)
    return .rejected(.inconsistentFragment)
  }

  private func release(_ slot: Int) {
    if slots[slot].inUse { inProgress -= 1 }
    slots[slot].inUse = false
  }

  /// The slots' memory, allocated when the first fragment arrives.
  private func slotStorage() -> UnsafeMutableRawPointer {
    if let storage { return storage }
    let allocated = UnsafeMutableRawPointer.allocate(
      byteCount: capacity * Self.slotBytes, alignment: 16)
    storage = allocated
    return allocated
  }

  private static func equal(
    _ lhs: UnsafeMutableRawPointer, _ rhs: UnsafeRawPointer, count: Int
  ) -> Bool {
    memcmp(lhs, rhs, count) == 0
  }
}
