import RTPCaptures
import RTPIO

/// What a ``PlayoutPipeline`` hands the jitter buffer's events to: one of the outputs.
protocol PlayoutHandler: AnyObject {
  /// Handles one event; `source` and `destination` are the endpoints of the packet a `.ready` or
  /// `.dropped` event carries.
  func handle(_ event: JitterBufferEvent, source: Endpoint, destination: Endpoint)
    throws(IOError)
  /// Writes whatever is buffered.
  func finish() throws(IOError)
  /// Ready packets not written because the output cannot carry them.
  var notWritten: Int { get }
  /// Bytes of silence for erasures left out by the output's bound on fill (payload output only).
  var silenceNotFilled: UInt64 { get }
}
