import RTPCaptures

/// Puts the TCP segments of a capture back into byte streams, one per direction of each
/// connection, and cuts each stream into SIP messages by Content-Length.
///
/// Segments are put in sequence order (serial-number arithmetic, so a wrap of the 32-bit
/// sequence is no gap); retransmitted bytes are dropped and overlaps trimmed. Bytes that never
/// arrive (a capture that lost a packet) are a gap: once the out-of-order bytes of a flow pass
/// ``maxBytesPerFlow`` or have waited ``gapTimeout`` of capture time, or at ``finish()``, the
/// reassembler skips to the next bytes it has, counts the gap, and the flow's framer looks for
/// the next SIP start line. Memory is bounded per flow and for all flows (``maxTotalBytes``,
/// ``maxFlows``): when over, the flow idle longest is evicted (counted).
///
/// Only flows that look like SIP are followed: either port 5060 or 5061, or a first payload
/// that starts with a SIP start line. A flow whose SYN was not captured is read from its first
/// segment that starts with a SIP start line (segments ahead of it wait for it as out of order).
public final class TCPStreamReassembler {
  /// The most bytes held for one flow: out of order, and in order waiting for the rest of a
  /// message.
  public let maxBytesPerFlow: Int
  /// The most bytes held over all flows.
  public let maxTotalBytes: Int
  /// The most flows followed at once.
  public let maxFlows: Int
  /// How long, in nanoseconds of capture time, out-of-order bytes wait for the bytes before
  /// them before those are taken as lost.
  public let gapTimeout: Int64

  private var flows: [TCPFlowKey: TCPFlowState] = [:]
  private var totalBytes = 0

  /// Segments whose bytes had all been delivered already (retransmissions, keep-alives).
  public private(set) var retransmittedSegments = 0
  /// Segments that overlapped bytes already delivered, trimmed to the new bytes.
  public private(set) var overlappingSegments = 0
  /// Segments that arrived ahead of bytes before them and were held.
  public private(set) var outOfOrderSegments = 0
  /// Gaps: bytes never seen, skipped over.
  public private(set) var gaps = 0
  /// The bytes skipped over in gaps (sequence-number distance).
  public private(set) var bytesLost = 0
  /// Flows evicted to stay within the bounds.
  public private(set) var flowsEvicted = 0
  /// Messages that could not be read and were passed over.
  public private(set) var malformedMessages = 0
  /// Messages read.
  public private(set) var messagesRead = 0

  /// The default bound per flow: 256 KiB.
  public static let defaultMaxBytesPerFlow = 256 << 10
  /// The default bound over all flows: 16 MiB.
  public static let defaultMaxTotalBytes = 16 << 20

  /// Creates a reassembler with the given bounds (each at least what one message needs).
  public init(
    maxBytesPerFlow: Int = TCPStreamReassembler.defaultMaxBytesPerFlow,
    maxTotalBytes: Int = TCPStreamReassembler.defaultMaxTotalBytes, maxFlows: Int = 4096,
    gapTimeout: Int64 = 5_000_000_000
  ) {
    self.maxBytesPerFlow = max(maxBytesPerFlow, 4096)
    self.maxTotalBytes = max(maxTotalBytes, self.maxBytesPerFlow)
    self.maxFlows = max(maxFlows, 1)
    self.gapTimeout = max(gapTimeout, 0)
  }

  /// Flows followed now.
  public var flowCount: Int { flows.count }

  /// Bytes held now over all flows.
  public var bytesHeld: Int { totalBytes }

  /// Whether `segment` belongs to a flow worth following: a SIP port, or SIP at its start.
  static func looksLikeSIP(_ segment: TCPSegment) -> Bool {
    let ports: Set<UInt16> = [5060, 5061]
    return ports.contains(segment.source.port) || ports.contains(segment.destination.port)
      || SIPStartLine.begins(segment.payload)
  }

  /// Adds one segment; returns the messages it completed, stamped with its capture time.
  public func add(_ segment: TCPSegment) -> [CapturedSIPMessage] {
    let key = TCPFlowKey(source: segment.source, destination: segment.destination)
    if segment.isRST {
      remove(key)
      return []
    }
    var output: [CapturedSIPMessage] = []
    guard var flow = flows.removeValue(forKey: key) ?? newFlow(for: segment) else { return [] }
    let before = flow.bytesHeld
    flow.lastActivity = segment.timestamp
    var sequence = segment.sequenceNumber
    if segment.isSYN {
      sequence &+= 1
      flow.nextSequence = sequence
      flow.pending = [:]
      flow.pendingBytes = 0
      flow.framer = SIPStreamFramer()
    }
    if !segment.payload.isEmpty {
      // Without its SYN, a flow's stream is anchored at the first segment that starts with a
      // SIP start line; segments before that wait, out of order, for it.
      if flow.nextSequence == nil, SIPStartLine.begins(segment.payload) {
        flow.nextSequence = sequence
      }
      accept(
        Array(segment.payload), at: sequence, timestamp: segment.timestamp, key: key,
        flow: &flow, output: &output)
      if segment.isTruncated {
        // The rest of the payload was not captured: a gap of unknown length.
        gaps += 1
        flow.framer.resynchronize()
        flow.nextSequence = nil
        flow.pending = [:]
        flow.pendingBytes = 0
      }
    }
    if segment.isFIN { flow.finished = true }
    // Out-of-order bytes that waited too long, or too many of them: the bytes before are lost.
    while !flow.pending.isEmpty,
      flow.bytesHeld > maxBytesPerFlow
        || segment.timestamp - (flow.oldestPendingTime ?? segment.timestamp) > gapTimeout
    {
      skipGap(key: key, flow: &flow, timestamp: nil, output: &output)
    }
    totalBytes += flow.bytesHeld - before
    if flow.finished && flow.pending.isEmpty {
      totalBytes -= flow.bytesHeld
    } else {
      flows[key] = flow
    }
    enforceBounds(keeping: key)
    return output
  }

  /// Ends every flow: skips the gaps still open, delivering the bytes held out of order, and
  /// returns the messages that completes; then holds nothing.
  public func finish() -> [CapturedSIPMessage] {
    var output: [CapturedSIPMessage] = []
    for key in flows.keys.sorted(by: { ($0.source, $0.destination) < ($1.source, $1.destination) })
    {
      guard var flow = flows[key] else { continue }
      while !flow.pending.isEmpty {
        skipGap(key: key, flow: &flow, timestamp: nil, output: &output)
      }
    }
    flows = [:]
    totalBytes = 0
    return output.sorted { $0.timestamp < $1.timestamp }
  }

  private func newFlow(for segment: TCPSegment) -> TCPFlowState? {
    // A flow on another port than SIP's is followed from its first data that starts like SIP.
    guard segment.isSYN || !segment.payload.isEmpty, Self.looksLikeSIP(segment) else {
      return nil
    }
    return TCPFlowState(lastActivity: segment.timestamp)
  }

  /// Takes `bytes` at `sequence`: delivers what is new and in order, holds what is ahead.
  private func accept(
    _ bytes: [UInt8], at sequence: UInt32, timestamp: Int64, key: TCPFlowKey,
    flow: inout TCPFlowState, output: inout [CapturedSIPMessage]
  ) {
    let ahead = flow.nextSequence.map { Int32(bitPattern: sequence &- $0) } ?? 1
    if ahead > 0 {
      outOfOrderSegments += 1
      if let held = flow.pending[sequence], held.bytes.count >= bytes.count { return }
      flow.pendingBytes += bytes.count - (flow.pending[sequence]?.bytes.count ?? 0)
      flow.pending[sequence] = TCPFlowState.Pending(bytes: bytes, timestamp: timestamp)
      return
    }
    let old = Int(-Int64(ahead))
    guard old < bytes.count else {
      retransmittedSegments += 1
      return
    }
    if old > 0 { overlappingSegments += 1 }
    deliver(bytes[old...], timestamp: timestamp, key: key, flow: &flow, output: &output)
    drain(timestamp: timestamp, key: key, flow: &flow, output: &output)
  }

  /// Delivers the held segments that are now in order.
  private func drain(
    timestamp: Int64?, key: TCPFlowKey, flow: inout TCPFlowState,
    output: inout [CapturedSIPMessage]
  ) {
    while let next = flow.nextSequence,
      let sequence = flow.pending.keys.first(where: { Int32(bitPattern: $0 &- next) <= 0 }),
      let held = flow.pending.removeValue(forKey: sequence)
    {
      flow.pendingBytes -= held.bytes.count
      let old = Int(-Int64(Int32(bitPattern: sequence &- next)))
      guard old < held.bytes.count else {
        retransmittedSegments += 1
        continue
      }
      if old > 0 { overlappingSegments += 1 }
      deliver(
        held.bytes[old...], timestamp: timestamp ?? held.timestamp, key: key, flow: &flow,
        output: &output)
    }
  }

  /// Skips to the nearest held segment, counting the bytes between as lost.
  private func skipGap(
    key: TCPFlowKey, flow: inout TCPFlowState, timestamp: Int64?,
    output: inout [CapturedSIPMessage]
  ) {
    guard let target = flow.nearestPending else { return }
    gaps += 1
    if let next = flow.nextSequence { bytesLost += Int(target &- next) }
    flow.nextSequence = target
    flow.framer.resynchronize()
    drain(timestamp: timestamp, key: key, flow: &flow, output: &output)
  }

  private func deliver(
    _ bytes: ArraySlice<UInt8>, timestamp: Int64, key: TCPFlowKey, flow: inout TCPFlowState,
    output: inout [CapturedSIPMessage]
  ) {
    flow.nextSequence = flow.nextSequence.map { $0 &+ UInt32(truncatingIfNeeded: bytes.count) }
    flow.framer.append(bytes)
    while let result = flow.framer.next() {
      switch result {
      case .message(let message):
        messagesRead += 1
        output.append(
          CapturedSIPMessage(
            message: message, timestamp: timestamp, source: key.source,
            destination: key.destination, transport: .tcp))
      case .malformed:
        malformedMessages += 1
      }
    }
  }

  private func remove(_ key: TCPFlowKey) {
    guard let flow = flows.removeValue(forKey: key) else { return }
    totalBytes -= flow.bytesHeld
  }

  /// Evicts the flows idle longest (never `current` unless it alone is over) while over a bound.
  private func enforceBounds(keeping current: TCPFlowKey) {
    while flows.count > maxFlows || totalBytes > maxTotalBytes {
      var victim: TCPFlowKey?
      var oldest = Int64.max
      for (key, flow) in flows where key != current && flow.lastActivity <= oldest {
        victim = key
        oldest = flow.lastActivity
      }
      guard let victim = victim ?? (flows[current] != nil ? current : nil) else { return }
      remove(victim)
      flowsEvicted += 1
    }
  }
}
