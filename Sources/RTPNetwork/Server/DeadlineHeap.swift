/// A binary min-heap of (deadline, tag): the timers of the network and scheduler workers,
/// O(log n) per insertion and removal whatever the number of channels.
struct DeadlineHeap {
  private(set) var entries: [(deadline: Int64, tag: Int)] = []

  var isEmpty: Bool { entries.isEmpty }
  var count: Int { entries.count }

  /// The earliest entry.
  var first: (deadline: Int64, tag: Int)? { entries.first }

  mutating func insert(deadline: Int64, tag: Int) {
    entries.append((deadline, tag))
    var child = entries.count - 1
    while child > 0 {
      let parent = (child - 1) / 2
      guard entries[child].deadline < entries[parent].deadline else { break }
      entries.swapAt(child, parent)
      child = parent
    }
  }

  /// Removes and returns the earliest entry.
  mutating func removeFirst() -> (deadline: Int64, tag: Int)? {
    guard !entries.isEmpty else { return nil }
    let top = entries[0]
    let last = entries.removeLast()
    if !entries.isEmpty {
      entries[0] = last
      var parent = 0
      while true {
        let left = 2 * parent + 1
        let right = left + 1
        var smallest = parent
        if left < entries.count, entries[left].deadline < entries[smallest].deadline {
          smallest = left
        }
        if right < entries.count, entries[right].deadline < entries[smallest].deadline {
          smallest = right
        }
        if smallest == parent { break }
        entries.swapAt(parent, smallest)
        parent = smallest
      }
    }
    return top
  }
}
