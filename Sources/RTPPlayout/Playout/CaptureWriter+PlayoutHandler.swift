import RTPCaptures
import RTPIO

extension CaptureWriter: PlayoutHandler {
  func handle(_ event: JitterBufferEvent, source: Endpoint, destination: Endpoint)
    throws(IOError)
  {
    guard case .ready(let ready) = event else { return }
    try write(
      UDPDatagram(
        timestamp: ready.arrival, source: source, destination: destination,
        payload: ready.packet.bytes))
  }

  /// Writes a ready packet with the headers built for its pair, found by number.
  @inline(__always)
  func handle(
    _ event: JitterBufferEvent, pair: Int,
    endpoints: UnsafePointer<(source: Endpoint, destination: Endpoint)>
  ) throws(IOError) {
    guard case .ready(let ready) = event else { return }
    try write(ready.packet.bytes, timestamp: ready.arrival, pair: pair, endpoints: endpoints)
  }

  func startPlayout() {
    forgetPairs()
  }

  var notWritten: Int { oversizedSkipped }

  var silenceNotFilled: UInt64 { 0 }
}
