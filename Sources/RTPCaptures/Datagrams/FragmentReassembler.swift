#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// Reassembles IPv4 and IPv6 datagrams from their fragments within a memory budget.
///
/// Datagrams in progress are found by key in a dictionary. Each holds only the storage its
/// fragments touched: 2 KiB blocks, each with a map of the 8-byte units received, drawn from a
/// pool that grows in 64 KiB arenas up to `maxBlocks` (the budget) and is reused once full, so
/// unfragmented traffic and a steady stream of fragments allocate nothing. No header can make a
/// datagram hold more than the 32 blocks that cover 64 KiB.
///
/// When `maxDatagrams` are in progress, or a fragment needs a block and the budget is spent,
/// the datagram whose first fragment came earliest is evicted; a datagram older than `timeout`
/// (capture time) when another fragment arrives expires. Fragments may arrive in any order and
/// repeat. IPv4 overlaps must agree byte for byte; IPv6 overlaps drop the datagram (RFC 5722),
/// except a fragment whose bytes had all arrived with the same content. Every fragment kept is
/// counted once its datagram's fate is known: reassembled, or dropped for a ``SkipReason``.
final class FragmentReassembler {
  /// The largest IPv4 payload: a 65535-byte total length minus the smallest header.
  static let maxIPv4Payload = 65_535 - 20
  /// The largest IPv6 fragmentable part: what a 16-bit payload length can carry.
  static let maxIPv6Payload = 65_535
  /// Bytes of datagram a block holds.
  static let blockBytes = 2048
  private static let unitsPerBlock = blockBytes / 8
  private static let mapBytesPerBlock = unitsPerBlock / 8
  private static let blocksPerArena = 32
  private static let arenaMapOffset = blocksPerArena * blockBytes
  private static let arenaBytes = blocksPerArena * (blockBytes + mapBytesPerBlock)
  /// Blocks that cover the largest datagram.
  static let pagesPerDatagram = 32

  /// The most datagrams in progress at once.
  let maxDatagrams: Int
  /// The most blocks held at once: the memory budget over ``blockBytes``.
  let maxBlocks: Int
  /// Capture-time nanoseconds after its first fragment that an incomplete datagram expires.
  let timeout: Int64
  // Stored state below is exempt from run-time exclusivity checks: only this type's own
  // methods touch it, on one thread (docs/ARCHITECTURE.md, Performance conventions).
  @exclusivity(unchecked) private var entries: [PartialDatagram] = []
  @exclusivity(unchecked) private var freeEntries: [Int32] = []
  /// Each entry's ``pagesPerDatagram`` block numbers, -1 where no fragment has reached.
  @exclusivity(unchecked) private var pages: [Int32] = []
  @exclusivity(unchecked) private var table: [FragmentKey: Int32] = [:]
  /// The ends of the age list: the datagram whose first fragment came earliest, and latest.
  @exclusivity(unchecked) private var oldest: Int32 = -1
  @exclusivity(unchecked) private var newest: Int32 = -1
  @exclusivity(unchecked) private var arenas: [UnsafeMutableRawPointer] = []
  @exclusivity(unchecked) private var freeBlocks: [Int32] = []
  @exclusivity(unchecked) private var blocksCreated = 0
  @exclusivity(unchecked) private var assembly: UnsafeMutableRawPointer?
  /// Blocks held by datagrams in progress.
  @exclusivity(unchecked) private(set) var blocksInUse = 0
  /// Incomplete datagrams evicted to make room for a newer one.
  @exclusivity(unchecked) private(set) var evicted = 0
  /// Incomplete datagrams dropped because their fragments stopped arriving.
  @exclusivity(unchecked) private(set) var expired = 0
  /// Fragments kept and then dropped with their datagram, by reason. The fragment that proved a
  /// datagram inconsistent is not among them: it was refused, not kept.
  @exclusivity(unchecked) private(set) var dropped = SkipCounters()
  /// Fragments kept until a later fragment completed their datagram.
  @exclusivity(unchecked) private(set) var fragmentsReassembled = 0
  /// Fragments kept in datagrams in progress now, IPv4 and IPv6.
  @exclusivity(unchecked) private(set) var heldIPv4 = 0
  @exclusivity(unchecked) private(set) var heldIPv6 = 0

  /// Creates a table of at most `maxDatagrams` datagrams in progress holding at most
  /// `memoryBudget` bytes of fragments (at least 64 KiB, the largest datagram, rounded down to
  /// whole 64 KiB arenas).
  init(maxDatagrams: Int, memoryBudget: Int, timeout: Int64) {
    self.maxDatagrams = max(1, maxDatagrams)
    let arenas = max(1, memoryBudget / (Self.blocksPerArena * Self.blockBytes))
    maxBlocks = arenas * Self.blocksPerArena
    self.timeout = timeout
  }

  deinit {
    for arena in arenas { arena.deallocate() }
    assembly?.deallocate()
  }

  /// Datagrams in progress now.
  var inProgress: Int { table.count }

  /// Bytes of blocks held by datagrams in progress.
  var bytesHeld: Int { blocksInUse * Self.blockBytes }

  /// Adds the fragment carrying `data` at byte `offset` of the payload of the datagram `key`,
  /// received at `timestamp`; `nextHeader` is an IPv6 fragment's, or the IPv4 protocol.
  func add(
    key: FragmentKey, nextHeader: UInt8, offset: Int, moreFragments: Bool,
    data: UnsafeRawBufferPointer, timestamp: Int64
  ) -> ReassemblyResult {
    let ipv6 = key.isIPv6
    let end = offset + data.count
    guard end <= (ipv6 ? Self.maxIPv6Payload : Self.maxIPv4Payload) else {
      return .rejected(.malformed(ipv6: ipv6))
    }
    if moreFragments {
      guard !data.isEmpty, data.count % 8 == 0 else { return .rejected(.malformed(ipv6: ipv6)) }
    }
    expire(now: timestamp)
    let slot = claim(key, timestamp: timestamp)

    let totalLength = entries[slot].totalLength
    if totalLength >= 0 {
      if end > totalLength || (!moreFragments && end != totalLength) { return reject(slot) }
    } else if !moreFragments && entries[slot].highestEnd > end {
      return reject(slot)
    }
    let firstUnit = offset / 8
    let lastUnit = (end + 7) / 8
    var added = false
    if ipv6 {
      // RFC 5722: any overlap drops the datagram; a fragment that only repeats is a duplicate.
      let received = unitsReceived(slot, from: firstUnit, to: lastUnit)
      if received == lastUnit - firstUnit && received > 0 {
        return same(slot, data, offset: offset)
          ? .rejected(.duplicate(ipv6: true)) : reject(slot)
      }
      if received > 0 { return reject(slot) }
    }
    var unit = firstUnit
    while unit < lastUnit {
      let page = unit / Self.unitsPerBlock
      guard let block = block(slot, page: page) else {
        drop(slot, reason: .evicted(ipv6: ipv6))
        evicted += 1
        return .rejected(.evicted(ipv6: ipv6))
      }
      let bytes = blockData(block)
      let map = blockMap(block)
      let blockEnd = min(lastUnit, (page + 1) * Self.unitsPerBlock)
      while unit < blockEnd {
        let unitStart = unit * 8
        let count = min(8, end - unitStart)
        let within = unit % Self.unitsPerBlock
        let target = bytes + (within * 8)
        let wordOffset = (within / 64) * 8
        let bit = UInt64(1) << UInt64(within % 64)
        let word = map.loadUnaligned(fromByteOffset: wordOffset, as: UInt64.self)
        let source = data.baseAddress! + (unitStart - offset)
        if word & bit != 0 {
          if memcmp(target, source, count) != 0 { return reject(slot) }
        } else {
          target.copyMemory(from: source, byteCount: count)
          map.storeBytes(of: word | bit, toByteOffset: wordOffset, as: UInt64.self)
          entries[slot].unitsReceived += 1
          added = true
        }
        unit += 1
      }
    }
    if !moreFragments && entries[slot].totalLength < 0 {
      entries[slot].totalLength = end
      added = true
    }
    if offset == 0 && entries[slot].nextHeader < 0 { entries[slot].nextHeader = Int16(nextHeader) }
    entries[slot].highestEnd = max(entries[slot].highestEnd, end)
    let total = entries[slot].totalLength
    if total >= 0 && entries[slot].unitsReceived == (total + 7) / 8 {
      return complete(slot)
    }
    guard added else { return .rejected(.duplicate(ipv6: ipv6)) }
    entries[slot].fragments += 1
    if ipv6 { heldIPv6 += 1 } else { heldIPv4 += 1 }
    return .held
  }

  /// Copies the complete datagram in `slot` out of its blocks and releases it.
  private func complete(_ slot: Int) -> ReassemblyResult {
    let total = entries[slot].totalLength
    let header = entries[slot].nextHeader
    guard header >= 0 else { return reject(slot) }
    let output: UnsafeMutableRawPointer
    if let assembly {
      output = assembly
    } else {
      output = .allocate(byteCount: Self.pagesPerDatagram * Self.blockBytes, alignment: 16)
      assembly = output
    }
    var copied = 0
    var page = 0
    while copied < total {
      let count = min(Self.blockBytes, total - copied)
      let block = pages[slot * Self.pagesPerDatagram + page]
      (output + copied).copyMemory(from: blockData(block), byteCount: count)
      copied += count
      page += 1
    }
    fragmentsReassembled += entries[slot].fragments
    release(slot)
    return .complete(
      UnsafeRawBufferPointer(start: output, count: total), nextHeader: UInt8(header))
  }

  /// Drops every datagram whose first fragment is older than ``timeout`` at capture time `now`,
  /// oldest first, stopping at the first that is not.
  private func expire(now: Int64) {
    while oldest >= 0 {
      let (age, overflow) = now.subtractingReportingOverflow(entries[Int(oldest)].firstSeen)
      guard !overflow && age > timeout else { return }
      expireEntry(Int(oldest))
    }
  }

  private func expireEntry(_ slot: Int) {
    drop(slot, reason: .expired(ipv6: entries[slot].key.isIPv6))
    expired += 1
  }

  /// The entry of this datagram, or a fresh one (evicting the oldest when the table is full).
  private func claim(_ key: FragmentKey, timestamp: Int64) -> Int {
    if let found = table[key] {
      let slot = Int(found)
      // Capture times can run backwards, so the one found may be stale though not the oldest.
      let (age, overflow) = timestamp.subtractingReportingOverflow(entries[slot].firstSeen)
      guard !overflow && age > timeout else { return slot }
      expireEntry(slot)
    }
    if table.count >= maxDatagrams, oldest >= 0 {
      evict(Int(oldest))
    }
    let slot: Int
    if let free = freeEntries.popLast() {
      slot = Int(free)
      entries[slot] = PartialDatagram(key: key, firstSeen: timestamp)
    } else {
      slot = entries.count
      entries.append(PartialDatagram(key: key, firstSeen: timestamp))
      pages.append(contentsOf: repeatElement(-1, count: Self.pagesPerDatagram))
    }
    entries[slot].older = newest
    if newest >= 0 { entries[Int(newest)].newer = Int32(slot) } else { oldest = Int32(slot) }
    newest = Int32(slot)
    table[key] = Int32(slot)
    return slot
  }

  private func evict(_ slot: Int) {
    drop(slot, reason: .evicted(ipv6: entries[slot].key.isIPv6))
    evicted += 1
  }

  /// How many of units `from..<to` of `slot` have arrived.
  private func unitsReceived(_ slot: Int, from: Int, to: Int) -> Int {
    var received = 0
    for unit in from..<to {
      let block = pages[slot * Self.pagesPerDatagram + unit / Self.unitsPerBlock]
      guard block >= 0 else { continue }
      let within = unit % Self.unitsPerBlock
      let word = blockMap(block).loadUnaligned(fromByteOffset: (within / 64) * 8, as: UInt64.self)
      if word & (UInt64(1) << UInt64(within % 64)) != 0 { received += 1 }
    }
    return received
  }

  /// Whether `data` at `offset` is what `slot` holds there already (every unit has arrived).
  private func same(_ slot: Int, _ data: UnsafeRawBufferPointer, offset: Int) -> Bool {
    var position = 0
    while position < data.count {
      let at = offset + position
      let page = at / Self.blockBytes
      let within = at % Self.blockBytes
      let count = min(Self.blockBytes - within, data.count - position)
      let block = pages[slot * Self.pagesPerDatagram + page]
      if memcmp(blockData(block) + within, data.baseAddress! + position, count) != 0 {
        return false
      }
      position += count
    }
    return true
  }

  /// The block at `page` of `slot`, taken from the pool (evicting the oldest other datagrams
  /// while the budget is spent) when it has none yet; `nil` only if nothing else can give way.
  private func block(_ slot: Int, page: Int) -> Int32? {
    let index = slot * Self.pagesPerDatagram + page
    let existing = pages[index]
    if existing >= 0 { return existing }
    while freeBlocks.isEmpty && blocksCreated >= maxBlocks {
      var victim = oldest
      if victim == Int32(slot) { victim = entries[slot].newer }
      guard victim >= 0 else { return nil }
      evict(Int(victim))
    }
    let block: Int32
    if let free = freeBlocks.popLast() {
      block = free
    } else {
      if blocksCreated % Self.blocksPerArena == 0 {
        arenas.append(.allocate(byteCount: Self.arenaBytes, alignment: 16))
      }
      block = Int32(blocksCreated)
      blocksCreated += 1
    }
    blockMap(block).initializeMemory(as: UInt8.self, repeating: 0, count: Self.mapBytesPerBlock)
    pages[index] = block
    entries[slot].blocks += 1
    blocksInUse += 1
    return block
  }

  @inline(__always)
  private func blockData(_ block: Int32) -> UnsafeMutableRawPointer {
    let block = Int(block)
    return arenas[block / Self.blocksPerArena] + (block % Self.blocksPerArena) * Self.blockBytes
  }

  @inline(__always)
  private func blockMap(_ block: Int32) -> UnsafeMutableRawPointer {
    let block = Int(block)
    return arenas[block / Self.blocksPerArena] + Self.arenaMapOffset
      + (block % Self.blocksPerArena) * Self.mapBytesPerBlock
  }

  /// Drops `slot` as inconsistent, its kept fragments with it, and refuses the fragment at hand.
  private func reject(_ slot: Int) -> ReassemblyResult {
    let reason = SkipReason.inconsistent(ipv6: entries[slot].key.isIPv6)
    drop(slot, reason: reason)
    return .rejected(reason)
  }

  /// Counts the kept fragments of `slot` as skipped for `reason` and releases it.
  private func drop(_ slot: Int, reason: SkipReason) {
    dropped.count(reason, entries[slot].fragments)
    release(slot)
  }

  /// Returns the blocks and the entry of `slot` to their pools.
  private func release(_ slot: Int) {
    let base = slot * Self.pagesPerDatagram
    for page in 0..<Self.pagesPerDatagram where pages[base + page] >= 0 {
      freeBlocks.append(pages[base + page])
      pages[base + page] = -1
    }
    blocksInUse -= entries[slot].blocks
    if entries[slot].key.isIPv6 {
      heldIPv6 -= entries[slot].fragments
    } else {
      heldIPv4 -= entries[slot].fragments
    }
    let older = entries[slot].older
    let newer = entries[slot].newer
    if older >= 0 { entries[Int(older)].newer = newer } else { oldest = newer }
    if newer >= 0 { entries[Int(newer)].older = older } else { newest = older }
    table.removeValue(forKey: entries[slot].key)
    freeEntries.append(Int32(slot))
  }
}
