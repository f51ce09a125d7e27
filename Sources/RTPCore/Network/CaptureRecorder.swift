import Synchronization

/// Writes datagrams as they arrive on an ``RTPServer``'s channels to a ``CaptureWriter``, with
/// counters that account for each one: rtprecv's core.
///
/// ``record(_:source:destination:time:)`` is meant to be called from channel callbacks, which
/// all run on the server's one worker thread; the counters may be read, and ``flushPending()``
/// called, from any thread while it runs, so that a reader of a live capture sees datagrams soon
/// after they arrive rather than a buffer at a time. ``finish()`` must be called once the server
/// has shut down (so no callback runs any more): it flushes the capture.
///
/// Every datagram recorded is counted once: ``received`` = ``written`` + ``rejected`` +
/// ``notWritten``.
public final class CaptureRecorder: @unchecked Sendable {
  // @unchecked: `writer`, `unflushed` and `failureStorage` are used with `lock` held (or, in
  // `finish`, after the worker has stopped); the counters are atomics.
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
  /// Datagrams written to the capture.
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
    return writtenCount.load(ordering: .relaxed) >= limit
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
    let written = writtenCount.load(ordering: .relaxed)
    let stored = lock.withLock { () -> Bool in
      if failureStorage != nil || written >= (limit ?? .max) { return false }
      do throws(IOError) {
        let datagram = UDPDatagram(
          timestamp: time, source: source, destination: destination, payload: bytes)
        guard try writer.write(datagram) else { return false }
      } catch {
        failureStorage = error
        failed.store(true, ordering: .releasing)
        return false
      }
      unflushed = true
      return true
    }
    guard stored else {
      notWrittenCount.add(1, ordering: .relaxed)
      return
    }
    if RTPPacketKind(classifying: bytes) != .rtp { notRTPCount.add(1, ordering: .relaxed) }
    writtenCount.store(written + 1, ordering: .relaxed)
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
      } catch {
        failureStorage = error
        failed.store(true, ordering: .releasing)
      }
    }
  }

  /// Flushes the capture (writing an rtpdump header if nothing was written). Call after the
  /// server has shut down.
  public func finish() throws(IOError) {
    try lock.withLock { () throws(IOError) in
      if let failureStorage { throw failureStorage }
      try writer.finish()
    }
  }
}
