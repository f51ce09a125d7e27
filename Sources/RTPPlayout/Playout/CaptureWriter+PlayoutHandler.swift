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

  var notWritten: Int { oversizedSkipped }

  var silenceNotFilled: UInt64 { 0 }
}
