import CNetShim
import Synchronization

/// A channel's bounded output queue: a ring of fixed-size slots, each holding a datagram, its
/// destination and its deadline, filled by callers and drained by the server's worker.
///
/// Producers must be serialised by the caller (``RTPChannel`` holds a mutex around ``push``);
/// the one consumer is the worker, which reads slots in place and hands them to `sendmmsg`
/// without copying again.
final class SendQueue: @unchecked Sendable {
  // @unchecked: slots in [head, tail) belong to the consumer, the others to the (serialised)
  // producer. `tail` is stored by the producer after writing a slot and `head` by the consumer
  // after reading one; their release/acquire ordering publishes the slot contents.
  let capacity: Int
  let slotSize: Int
  private let mask: Int
  private let payload: UnsafeMutableRawPointer
  private let lengths: UnsafeMutablePointer<Int>
  private let deadlines: UnsafeMutablePointer<Int64>
  private let destinations: UnsafeMutablePointer<rtpnet_sockaddr>
  private let head = Atomic<Int>(0)
  /// Stored sequentially consistent, so that a producer's store here and its later load of the
  /// channel's service flag cannot be reordered against the worker's mirror-image pair.
  private let tail = Atomic<Int>(0)

  /// The deadline of a datagram queued to leave now: before every instant, and not counted in
  /// the channel's lateness.
  static let immediately = Int64.min

  /// `capacity` must be a power of two.
  init(capacity: Int, slotSize: Int) {
    precondition(capacity > 0 && capacity & (capacity - 1) == 0)
    self.capacity = capacity
    self.slotSize = slotSize
    mask = capacity - 1
    payload = .allocate(byteCount: capacity * slotSize, alignment: 16)
    lengths = .allocate(capacity: capacity)
    lengths.initialize(repeating: 0, count: capacity)
    deadlines = .allocate(capacity: capacity)
    deadlines.initialize(repeating: Self.immediately, count: capacity)
    destinations = .allocate(capacity: capacity)
    destinations.initialize(repeating: rtpnet_sockaddr(), count: capacity)
  }

  deinit {
    payload.deallocate()
    lengths.deallocate()
    deadlines.deallocate()
    destinations.deallocate()
  }

  /// Producer: copies a datagram in, to leave at `deadline` (`CLOCK_MONOTONIC` nanoseconds, or
  /// ``immediately``); `false` when the queue is full.
  func push(_ bytes: UnsafeRawBufferPointer, to destination: SocketAddress, deadline: Int64) -> Bool
  {
    let end = tail.load(ordering: .relaxed)
    guard end - head.load(ordering: .acquiring) < capacity else { return false }
    let index = end & mask
    if let base = bytes.baseAddress, !bytes.isEmpty {
      (payload + index * slotSize).copyMemory(from: base, byteCount: bytes.count)
    }
    lengths[index] = bytes.count
    deadlines[index] = deadline
    destinations[index] = destination.raw
    tail.store(end + 1, ordering: .sequentiallyConsistent)
    return true
  }

  /// Consumer: how many datagrams are queued.
  var count: Int {
    tail.load(ordering: .sequentiallyConsistent) - head.load(ordering: .relaxed)
  }

  /// Consumer: fills `slots` with up to `limit` datagrams from the front whose deadline is at or
  /// before `now`, stopping at the first later one; returns how many, and the deadline of the
  /// first datagram left waiting (nil when none waits).
  func due(now: Int64, into slots: UnsafeMutablePointer<rtpnet_tx_slot>, limit: Int)
    -> (count: Int, nextDeadline: Int64?)
  {
    let start = head.load(ordering: .relaxed)
    let end = tail.load(ordering: .acquiring)
    var taken = 0
    while taken < limit, start + taken < end {
      let index = (start + taken) & mask
      if deadlines[index] > now { return (taken, deadlines[index]) }
      slots[taken] = rtpnet_tx_slot(
        data: UnsafeRawPointer(payload + index * slotSize), length: lengths[index],
        destination: UnsafePointer(destinations + index))
      taken += 1
    }
    return (taken, nil)
  }

  /// Consumer: the deadline of the datagram `offset` places behind the front (``immediately`` for "now").
  func deadline(at offset: Int) -> Int64 {
    deadlines[(head.load(ordering: .relaxed) + offset) & mask]
  }

  /// Consumer: releases the first `count` datagrams.
  func consume(_ count: Int) {
    head.store(head.load(ordering: .relaxed) + count, ordering: .releasing)
  }
}
