/// Plays out one RTP stream of a capture: reads datagrams, keeps the selected stream's packets,
/// puts them through a ``JitterBuffer`` and writes what comes out to a ``PlayoutOutput``.
///
/// The reader's records are all accounted for in ``statistics``: skipped, fragments, not RTP,
/// invalid, other streams, or the jitter buffer's ready and dropped packets. Memory is the jitter
/// buffer's and a fixed table of endpoints; nothing is allocated per packet.
public final class PlayoutPipeline {
  /// The most distinct endpoint pairs remembered for the packets of the selected stream (only a
  /// selection by SSRC alone can have more than one); a pair beyond that is written with the
  /// last one remembered.
  public static let maximumEndpointPairs = 256

  /// Counters so far.
  public private(set) var statistics = PlayoutStatistics()

  private let reader: DatagramReader
  private let selection: RTPStreamSelection
  private let jitterBuffer: JitterBuffer

  /// Creates a pipeline reading `reader`, taking the packets `selection` chooses, through a
  /// jitter buffer of `capacity` packets (1 to ``JitterBuffer/maximumCapacity``) that releases a
  /// packet held behind a gap after `maxDelay` nanoseconds of capture time, if given.
  public init(
    reader: DatagramReader, selection: RTPStreamSelection, capacity: Int, maxDelay: Int64? = nil
  ) {
    self.reader = reader
    self.selection = selection
    self.jitterBuffer = JitterBuffer(capacity: capacity, maxDelay: maxDelay)
  }

  /// Reads the capture to its end, plays the selected stream out into `output`, flushes the
  /// jitter buffer and finishes the output.
  ///
  /// - Throws: ``PlayoutError/input(_:)`` for a damaged capture, after everything before the
  ///   damage has been written and the output finished; ``PlayoutError/output(_:)`` when
  ///   writing fails.
  public func run(into output: PlayoutOutput) throws(PlayoutError) {
    switch output {
    case .capture(let writer): try drive(writer)
    case .payload(let writer): try drive(writer)
    case .events(let writer): try drive(writer)
    }
  }

  private func drive<Handler: PlayoutHandler>(_ handler: Handler) throws(PlayoutError) {
    var counts = statistics
    let reader = self.reader
    let selection = self.selection
    let jitterBuffer = self.jitterBuffer
    // Each packet's endpoints, by its 16-bit sequence number, as an index into `pairs`: the
    // jitter buffer gives back packets, not where they came from.
    var pairs: [(source: Endpoint, destination: Endpoint)] = []
    pairs.reserveCapacity(Self.maximumEndpointPairs)
    let pairBySequence = UnsafeMutablePointer<UInt8>.allocate(capacity: 65536)
    pairBySequence.initialize(repeating: 0, count: 65536)
    defer { pairBySequence.deallocate() }
    var currentPair = -1
    var current: UnsafeRawPointer? = nil
    var displaced: (sequence: Int, pair: UInt8) = (0, 0)
    var writeFailure: IOError? = nil

    func emit(_ event: JitterBufferEvent) {
      guard writeFailure == nil else { return }
      var pair = currentPair
      switch event {
      case .ready(let ready):
        pair = Int(pairBySequence[Int(ready.packet.sequenceNumber)])
      case .dropped(let dropped, _):
        let sequence = Int(dropped.packet.sequenceNumber)
        if dropped.packet.bytes.baseAddress == current {
          // The packet just fed is dropped: its number's entry belongs to the one kept.
          pairBySequence[sequence] = displaced.pair
        }
        pair = Int(pairBySequence[sequence])
      case .erasure, .streamStarted:
        break
      }
      do {
        try handler.handle(event, source: pairs[pair].source, destination: pairs[pair].destination)
      } catch {
        writeFailure = error
      }
    }

    var inputFailure: CaptureError? = nil
    while true {
      let next: UDPDatagram?
      do {
        next = try reader.next()
      } catch {
        inputFailure = error
        break
      }
      guard let datagram = next else { break }
      let packet: RTPPacket
      do {
        packet = try RTPPacket(validating: datagram.payload)
      } catch {
        if RTPPacketKind(classifying: datagram.payload) == .rtp {
          counts.parseErrors += 1
        } else {
          counts.notRTP += 1
        }
        continue
      }
      guard
        selection.matches(
          ssrc: packet.ssrc, source: datagram.source, destination: datagram.destination)
      else {
        counts.otherStreams += 1
        continue
      }
      if currentPair < 0 || pairs[currentPair].source != datagram.source
        || pairs[currentPair].destination != datagram.destination
      {
        currentPair = Self.pairIndex(
          source: datagram.source, destination: datagram.destination, in: &pairs)
      }
      let sequence = Int(packet.sequenceNumber)
      displaced = (sequence, pairBySequence[sequence])
      pairBySequence[sequence] = UInt8(truncatingIfNeeded: currentPair)
      current = datagram.payload.baseAddress
      do {
        try jitterBuffer.feed(datagram.payload, arrival: datagram.timestamp, emit)
      } catch {
        preconditionFailure("a packet that validated failed to validate")
      }
      if writeFailure != nil { break }
    }
    current = nil
    if writeFailure == nil { jitterBuffer.flush(emit) }
    if writeFailure == nil {
      do {
        try handler.finish()
      } catch {
        writeFailure = error
      }
    }

    let buffered = jitterBuffer.statistics
    counts.read = reader.recordsRead
    counts.skippedRecords = reader.skipped.total
    counts.fragments = reader.fragmentsHeld
    counts.ready = buffered.ready
    counts.late = buffered.late
    counts.duplicates = buffered.duplicates
    counts.outOfSequence = buffered.outOfSequence
    counts.erasures = buffered.erasures
    counts.erasedPackets = buffered.erasedPackets
    counts.held = buffered.held
    counts.notWritten = handler.notWritten
    statistics = counts
    if let writeFailure { throw .output(writeFailure) }
    if let inputFailure { throw .input(inputFailure) }
  }

  /// The index of `source` → `destination` in `pairs`, appended if new and there is room, else
  /// the last one.
  private static func pairIndex(
    source: Endpoint, destination: Endpoint,
    in pairs: inout [(source: Endpoint, destination: Endpoint)]
  ) -> Int {
    if let found = pairs.firstIndex(where: { $0.source == source && $0.destination == destination })
    {
      return found
    }
    guard pairs.count < maximumEndpointPairs else { return pairs.count - 1 }
    pairs.append((source, destination))
    return pairs.count - 1
  }
}
