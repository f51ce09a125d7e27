import RTPBase
import RTPCaptures
import RTPPackets

/// Plays out one RTP stream of a capture: reads datagrams, keeps the selected stream's packets,
/// puts them through a ``JitterBuffer`` and writes what comes out to a ``PlayoutOutput``.
///
/// The reader's records are all accounted for in ``statistics``: skipped, fragments, not RTP,
/// invalid, other streams, the stream's packets cut short by the capture (kept out of the
/// output: a reader that keeps them, ``/RTPCaptures/DatagramReader/init(source:keepsTruncatedDatagrams:)``,
/// lets them be counted as the stream's), or the jitter buffer's ready and dropped packets. Memory is the jitter
/// buffer's and a fixed table of endpoints; nothing is allocated per packet.
public final class PlayoutPipeline {
  // Stored state below is exempt from run-time exclusivity checks: only this type's own
  // methods touch it, on one thread (docs/ARCHITECTURE.md, Performance conventions).
  /// Counters so far.
  @exclusivity(unchecked) public private(set) var statistics = PlayoutStatistics()

  private let reader: DatagramReader
  private let selection: RTPStreamSelection
  private let jitterBuffer: JitterBuffer
  private let unprotector: (any RTPPacketUnprotecting)?

  /// The longest datagram an unprotector is given: a UDP payload's limit.
  static let maximumProtectedLength = 65535

  /// Creates a pipeline reading `reader`, taking the packets `selection` chooses, through a
  /// jitter buffer of `capacity` packets (1 to ``JitterBuffer/maximumCapacity``) that releases a
  /// packet held behind a gap after `maxDelay` nanoseconds of capture time, if given.
  ///
  /// With an `unprotector` (an SRTP session), each selected packet is unprotected before the
  /// jitter buffer, into one buffer the pipeline owns; those that fail are counted in
  /// ``PlayoutStatistics/srtpFailures`` or ``PlayoutStatistics/srtpReplays`` and dropped.
  public init(
    reader: DatagramReader, selection: RTPStreamSelection, capacity: Int, maxDelay: Int64? = nil,
    unprotector: (any RTPPacketUnprotecting)? = nil
  ) {
    self.reader = reader
    self.selection = selection
    self.jitterBuffer = JitterBuffer(capacity: capacity, maxDelay: maxDelay)
    self.unprotector = unprotector
  }

  /// Reads the capture to its end, plays the selected stream out into `output`, flushes the
  /// jitter buffer and finishes the output, calling `progress`, if given, with the records read.
  ///
  /// - Throws: ``PlayoutError/input(_:)`` for a damaged capture, after everything before the
  ///   damage has been written and the output finished; ``PlayoutError/output(_:)`` when
  ///   writing fails.
  public func run(into output: PlayoutOutput, progress: ProgressHandler? = nil)
    throws(PlayoutError)
  {
    switch output {
    case .capture(let writer): try drive(writer, progress)
    case .payload(let writer): try drive(writer, progress)
    case .events(let writer): try drive(writer, progress)
    case .audio(let writer): try drive(writer, progress)
    }
  }

  private func drive<Handler: PlayoutHandler>(_ handler: Handler, _ progress: ProgressHandler?)
    throws(PlayoutError)
  {
    var counts = statistics
    let reader = self.reader
    let selection = self.selection
    let jitterBuffer = self.jitterBuffer
    // Everything the per-event function needs, behind one pointer: a closure that captures only
    // trivial values costs no reference counting or exclusivity checks per packet.
    let context = UnsafeMutablePointer<PlayoutContext<Handler>>.allocate(capacity: 1)
    // A stream chosen by its key has one pair of endpoints: the selection compares them.
    let singlePair: Bool
    if case .stream = selection { singlePair = true } else { singlePair = false }
    context.initialize(to: PlayoutContext(handler: handler, singlePair: singlePair))
    defer {
      context.pointee.release()
      context.deinitialize(count: 1)
      context.deallocate()
    }

    func emit(_ event: JitterBufferEvent) {
      context.pointee.emit(event)
    }

    // Decrypted packets are written here, one at a time: the jitter buffer copies what it keeps.
    let unprotector = self.unprotector
    let plainBuffer =
      unprotector == nil
      ? UnsafeMutableRawBufferPointer(start: nil, count: 0)
      : UnsafeMutableRawBufferPointer.allocate(
        byteCount: Self.maximumProtectedLength, alignment: 8)
    defer { if unprotector != nil { plainBuffer.deallocate() } }

    var inputFailure: CaptureError? = nil
    var countdown = progressInterval
    while true {
      let next: UDPDatagram?
      do {
        next = try reader.next()
      } catch {
        inputFailure = error
        break
      }
      guard let datagram = next else { break }
      if let progress {
        countdown -= 1
        if countdown == 0 {
          countdown = progressInterval
          progress(UInt64(reader.recordsRead))
        }
      }
      var packet: RTPPacket
      switch RTPPayload(sorting: datagram) {
      case .packet(let valid): packet = valid
      case .invalid:
        counts.parseErrors += 1
        continue
      case .notRTP:
        counts.notRTP += 1
        continue
      }
      guard
        selection.matches(
          ssrc: packet.ssrc, source: datagram.source, destination: datagram.destination)
      else {
        counts.otherStreams += 1
        continue
      }
      // A packet whose payload the capture cut short has nothing to play.
      if datagram.isTruncated {
        counts.truncated += 1
        continue
      }
      if let unprotector {
        guard let plain = Self.unprotect(datagram.payload, unprotector, plainBuffer, &counts)
        else { continue }
        packet = plain
      }
      context.pointee.willFeed(packet, datagram: datagram)
      jitterBuffer.feed(packet, arrival: datagram.timestamp, emit)
      if context.pointee.writeFailure != nil || handler.decodingFailure != nil { break }
    }
    context.pointee.current = nil
    if context.pointee.writeFailure == nil && handler.decodingFailure == nil {
      jitterBuffer.flush(emit)
    }
    if context.pointee.writeFailure == nil {
      do {
        try handler.finish()
      } catch {
        context.pointee.writeFailure = error
      }
    }
    let writeFailure = context.pointee.writeFailure

    counts.read = reader.recordsRead
    counts.skippedRecords = reader.skipped.total
    counts.fragments = reader.fragmentsReassembled
    counts.jitterBuffer = jitterBuffer.statistics
    counts.notWritten = handler.notWritten
    counts.silenceNotFilled = handler.silenceNotFilled
    statistics = counts
    if let writeFailure { throw .output(writeFailure) }
    if let failure = handler.decodingFailure { throw .decoding(failure) }
    if let inputFailure { throw .input(inputFailure) }
  }

  /// The plain packet `unprotector` makes of `protected`, written to `buffer`; `nil`, counted,
  /// when it fails or the plain packet is not valid RTP.
  private static func unprotect(
    _ protected: UnsafeRawBufferPointer, _ unprotector: any RTPPacketUnprotecting,
    _ buffer: UnsafeMutableRawBufferPointer, _ counts: inout PlayoutStatistics
  ) -> RTPPacket? {
    guard protected.count <= buffer.count else {
      counts.srtpFailures += 1
      return nil
    }
    let work = UnsafeMutableRawBufferPointer(rebasing: buffer[..<protected.count])
    work.copyMemory(from: protected)
    switch unprotector.unprotectPacket(work) {
    case .plain(let length):
      guard length <= work.count,
        let packet = try? RTPPacket(
          validating: UnsafeRawBufferPointer(rebasing: work[..<length]))
      else {
        counts.parseErrors += 1
        return nil
      }
      return packet
    case .authenticationFailure, .rejected:
      counts.srtpFailures += 1
      return nil
    case .replay:
      counts.srtpReplays += 1
      return nil
    }
  }
}
