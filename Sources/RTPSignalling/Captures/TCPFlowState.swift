/// What ``TCPStreamReassembler`` holds for one direction of a connection.
struct TCPFlowState {
  /// A segment that arrived ahead of the bytes before it.
  struct Pending {
    var bytes: [UInt8]
    var timestamp: Int64
  }

  /// The sequence number of the next byte expected; `nil` until the first segment sets it.
  var nextSequence: UInt32?
  /// Segments held out of order, by sequence number.
  var pending: [UInt32: Pending] = [:]
  /// The payload bytes of ``pending``.
  var pendingBytes = 0
  /// The in-order bytes, cut into messages.
  var framer = SIPStreamFramer()
  /// The capture time of the last segment, for eviction (oldest first).
  var lastActivity: Int64
  /// Whether a FIN was seen: the flow is closed once nothing is held out of order.
  var finished = false

  init(lastActivity: Int64) {
    self.lastActivity = lastActivity
  }

  /// The bytes this flow holds.
  var bytesHeld: Int { pendingBytes + framer.bufferedByteCount }

  /// The capture time of the oldest segment held out of order.
  var oldestPendingTime: Int64? { pending.values.lazy.map(\.timestamp).min() }

  /// The held segment nearest after ``nextSequence`` (the one a gap skips to).
  var nearestPending: UInt32? {
    guard let next = nextSequence else { return pending.keys.min() }
    return pending.keys.min { $0 &- next < $1 &- next }
  }
}
