import RTPBase
import RTPIO
import RTPPackets
import Synchronization

/// Writes datagrams as they arrive on an `RTPServer`'s channels to a ``CaptureWriter``, with
/// counters that account for each one: rtprecv's core.
///
/// ``record(_:source:destination:time:)`` is meant to be called from channel callbacks, which
/// all run on the server's one worker thread; the counters may be read, and ``flushPending()``
/// called, from any thread while it runs, so that a reader of a live capture sees datagrams soon
/// after they arrive rather than a buffer at a time. ``finish()`` must be called once the server
/// has shut down (so no callback runs any more): it flushes the capture.
///
/// Every datagram recorded is counted once: ``received`` = ``written`` + ``rejected`` +
/// ``notWritten`` + the datagrams still buffered (none after ``finish()``). A datagram counts as
/// written once the whole of its record has been handed to the operating system; when a write
/// fails, the records buffered behind the failure point count as not written.
public final class CaptureRecorder: @unchecked Sendable {
  // @unchecked: `writer`, `unflushed`, `failureStorage` and `pendingEnds` are used with `lock`
  // held; the counters are atomics.
  private let writer: CaptureWriter
  private let lock = ConditionLock()
  private var unflushed = false
  private let peer: IPAddress?
  private let limit: Int?
  private var failureStorage: IOError?
  private let failed = Atomic<Bool>(false)
  private let receivedCount = Atomic<Int>(0)
  private let writtenCount = Atomic<Int>(0)
  private let rejectedCount = Atomic<Int>(0)
  private let notRTPCount = Atomic<Int>(0)
  private let notWrittenCount = Atomic<Int>(0)
  /// Datagrams given to the writer, for the limit: written, buffered or lost to a failure.
  private let acceptedCount = Atomic<Int>(0)
  /// Where each buffered record ends in the capture, oldest first from `pendingHead`: a record
  /// is written once the bytes flushed reach its end. Reused, so it allocates only to grow.
  private var pendingEnds: [UInt64] = []
  private var pendingHead = 0

  /// - Parameters:
  ///   - writer: Where datagrams go.
  ///   - peer: Accept only datagrams from this address (others are counted as rejected).
  ///   - limit: Write at most this many datagrams; later ones are counted as not written.
  public init(writer: CaptureWriter, peer: IPAddress? = nil, limit: Int? = nil) {
    self.writer = writer
    self.peer = peer
    self.limit = limit
  }

  /// Datagrams handed to ``record(_:source:destination:time:)``.
  public var received: Int { receivedCount.load(ordering: .relaxed) }
  /// Datagrams written to the capture: their whole record handed to the operating system.
  public var written: Int { writtenCount.load(ordering: .relaxed) }
  /// Datagrams from a source other than the peer, not written.
  public var rejected: Int { rejectedCount.load(ordering: .relaxed) }
  /// Datagrams written that are not RTP (RTCP, or not version 2): kept, since this is a capture.
  public var notRTP: Int { notRTPCount.load(ordering: .relaxed) }
  /// Accepted datagrams not written: past the limit, after a write failure, or longer than the
  /// capture format can hold.
  public var notWritten: Int { notWrittenCount.load(ordering: .relaxed) }
  /// Whether the limit has been reached or writing failed: nothing more will be written.
  public var isComplete: Bool {
    if failed.load(ordering: .acquiring) { return true }
    guard let limit else { return false }
    return acceptedCount.load(ordering: .relaxed) >= limit
  }

  /// The write failure that stopped recording, if any. Read it after the server has shut down.
  public var failure: IOError? {
    failed.load(ordering: .acquiring) ? failureStorage : nil
  }

  /// Records one datagram received at `time` (nanoseconds since the Unix epoch, the kernel's
  /// receive timestamp). Call from one thread at a time.
  public func record(
    _ bytes: UnsafeRawBufferPointer, source: Endpoint, destination: Endpoint, time: Int64
  ) {
    receivedCount.add(1, ordering: .relaxed)
    if let peer, source.address != peer {
      rejectedCount.add(1, ordering: .relaxed)
      return
    }
    let accepted = acceptedCount.load(ordering: .relaxed)
    let stored = lock.withLock { () -> Bool in
      if failureStorage != nil || accepted >= (limit ?? .max) { return false }
      do throws(IOError) {
        let datagram = UDPDatagram(
          timestamp: time, source: source, destination: destination, payload: bytes)
        guard try writer.write(datagram) else { return false }
      } catch {
        fail(error)
        return false
      }
      pendingEnds.append(writer.bytesAppended)
      settle(upTo: writer.bytesFlushed)
      unflushed = true
      return true
    }
    guard stored else {
      notWrittenCount.add(1, ordering: .relaxed)
      return
    }
    if RTPPacketKind(classifying: bytes) != .rtp { notRTPCount.add(1, ordering: .relaxed) }
    acceptedCount.store(accepted + 1, ordering: .relaxed)
  }

  /// Counts the buffered records that end within the first `flushed` bytes as written.
  /// Call with `lock` held.
  private func settle(upTo flushed: UInt64) {
    while pendingHead < pendingEnds.count && pendingEnds[pendingHead] <= flushed {
      pendingHead += 1
      writtenCount.add(1, ordering: .relaxed)
    }
    if pendingHead == pendingEnds.count {
      pendingEnds.removeAll(keepingCapacity: true)
      pendingHead = 0
    }
  }

  /// Stops recording on `error`: the records that reached the output count as written, the
  /// rest as not written. Call with `lock` held.
  private func fail(_ error: IOError) {
    if case .writeFailed(let offset, _) = error {
      settle(upTo: offset)
    } else {
      settle(upTo: writer.bytesFlushed)
    }
    notWrittenCount.add(pendingEnds.count - pendingHead, ordering: .relaxed)
    pendingEnds.removeAll(keepingCapacity: true)
    pendingHead = 0
    failureStorage = error
    failed.store(true, ordering: .releasing)
  }

  /// Writes the datagrams recorded since the last flush to the capture's descriptor; a failure
  /// stops recording as a failed write does (see ``failure``). Call from any thread, as often as
  /// a reader should see new datagrams (rtprecv: every 100 ms).
  public func flushPending() {
    lock.withLock { () -> Void in
      guard unflushed, failureStorage == nil else { return }
      unflushed = false
      do throws(IOError) {
        try writer.flush()
        settle(upTo: writer.bytesFlushed)
      } catch {
        fail(error)
      }
    }
  }

  /// Flushes the capture (writing an rtpdump header if nothing was written). Call after the
  /// server has shut down.
  public func finish() throws(IOError) {
    try lock.withLock { () throws(IOError) in
      if let failureStorage { throw failureStorage }
      do throws(IOError) {
        try writer.finish()
        settle(upTo: writer.bytesFlushed)
      } catch {
        fail(error)
        throw error
      }
    }
  }
}
