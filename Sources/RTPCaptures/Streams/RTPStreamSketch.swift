import RTPPackets

/// The busiest of many RTP streams, found in bounded memory: the Space-Saving summary of
/// Metwally, Agrawal and El Abbadi (2005) over stream keys.
///
/// It holds at most `capacity` streams. A packet of a stream it holds counts for it; a packet of
/// another replaces the stream with the fewest, which it inherits as its possible overcount. Any
/// stream with more than `total / capacity` packets is held at the end, and its
/// ``Entry/summary`` counts exactly the packets seen since it was last taken in. A table that is
/// full hands it the rest of a capture, so that a stream which starts after tens of thousands of
/// one-packet SSRCs can still be listed and chosen.
public struct RTPStreamSketch: Sendable {
  /// One stream held.
  public struct Entry: Sendable, Hashable {
    /// The packets seen since the stream was taken in: `count - overcount` of them.
    public var summary: RTPStreamSummary
    /// The summary's count plus the count of the stream it replaced: an upper bound.
    public var count: Int
    /// How much of ``count`` may belong to other streams.
    public var overcount: Int
  }

  /// The most streams held.
  public let capacity: Int
  /// The streams held, in no particular order.
  public private(set) var entries: [Entry] = []
  private var index: [RTPStreamKey: Int] = [:]
  /// Entry positions as a min-heap on their counts, and each entry's place in it.
  private var heap: [Int] = []
  private var place: [Int] = []

  /// Creates an empty sketch holding up to `capacity` streams.
  public init(capacity: Int = 1024) {
    precondition(capacity >= 1, "a sketch holds at least one stream")
    self.capacity = capacity
  }

  /// Counts `packet` of the stream `key`, captured at `time`.
  public mutating func count(_ packet: RTPPacket, key: RTPStreamKey, time: Int64) {
    if let found = index[key] {
      entries[found].count += 1
      entries[found].summary.count(packet, time: time)
      siftDown(place[found])
      return
    }
    var summary = RTPStreamSummary(key: key, firstSequence: packet.sequenceNumber, time: time)
    summary.count(packet, time: time)
    if entries.count < capacity {
      let position = entries.count
      entries.append(Entry(summary: summary, count: 1, overcount: 0))
      index[key] = position
      heap.append(position)
      place.append(heap.count - 1)
      siftUp(heap.count - 1)
      return
    }
    let fewest = heap[0]
    let replaced = entries[fewest]
    index[replaced.summary.key] = nil
    entries[fewest] = Entry(
      summary: summary, count: replaced.count + 1, overcount: replaced.count)
    index[key] = fewest
    siftDown(0)
  }

  private mutating func siftUp(_ start: Int) {
    var child = start
    while child > 0 {
      let parent = (child - 1) / 2
      guard entries[heap[child]].count < entries[heap[parent]].count else { return }
      swapAt(child, parent)
      child = parent
    }
  }

  private mutating func siftDown(_ start: Int) {
    var parent = start
    while true {
      let left = 2 * parent + 1
      guard left < heap.count else { return }
      let right = left + 1
      var smallest = left
      if right < heap.count && entries[heap[right]].count < entries[heap[left]].count {
        smallest = right
      }
      guard entries[heap[smallest]].count < entries[heap[parent]].count else { return }
      swapAt(parent, smallest)
      parent = smallest
    }
  }

  private mutating func swapAt(_ a: Int, _ b: Int) {
    heap.swapAt(a, b)
    place[heap[a]] = a
    place[heap[b]] = b
  }
}
