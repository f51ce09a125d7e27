import RTPCaptures
import RTPIO

/// What a ``PlayoutPipeline`` hands the jitter buffer's events to: one of the outputs.
protocol PlayoutHandler: AnyObject {
  /// Handles one event; `source` and `destination` are the endpoints of the packet a `.ready` or
  /// `.dropped` event carries.
  func handle(_ event: JitterBufferEvent, source: Endpoint, destination: Endpoint)
    throws(IOError)
  /// Handles one event of a packet sent between the pair of endpoints the pipeline numbers
  /// `pair` and keeps at `endpoints`: a number stands for one pair from ``startPlayout()`` to
  /// the end of the run, so that an output may remember what it built for it.
  func handle(
    _ event: JitterBufferEvent, pair: Int,
    endpoints: UnsafePointer<(source: Endpoint, destination: Endpoint)>
  ) throws(IOError)
  /// Called before a run numbers its pairs of endpoints from 0.
  func startPlayout()
  /// Writes whatever is buffered.
  func finish() throws(IOError)
  /// Ready packets not written because the output cannot carry them.
  var notWritten: Int { get }
  /// Bytes of silence for erasures left out by the output's bound on fill (payload output only).
  var silenceNotFilled: UInt64 { get }
  /// Why the output cannot go on (a payload it cannot decode), which stops the run.
  var decodingFailure: DecodingError? { get }
}

extension PlayoutHandler {
  /// Hands the event over with the pair's endpoints, for an output that does not number pairs.
  @inline(__always)
  func handle(
    _ event: JitterBufferEvent, pair: Int,
    endpoints: UnsafePointer<(source: Endpoint, destination: Endpoint)>
  ) throws(IOError) {
    try handle(event, source: endpoints.pointee.source, destination: endpoints.pointee.destination)
  }

  func startPlayout() {}

  @inline(__always)
  var decodingFailure: DecodingError? { nil }
}
