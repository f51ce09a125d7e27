import RTPAnalysis
import RTPCaptures
import RTPSignalling

/// Reads a capture's SIP in rtpstat's one pass over it: the UDP datagrams the analyzer finds are
/// not RTP, and the records the datagram reader skips (SIP over TCP). Each call's SDP names and
/// clocks the streams to its addresses that start after it, as tshark's one pass does.
final class CaptureSignalling: SignallingObserver {
  private let reader = SIPCaptureReader()
  /// The calls read so far.
  private(set) var tracker = SIPCallTracker()
  private var declared = SignalledPayloadTypes()

  func observe(_ datagram: UDPDatagram) {
    if let message = reader.add(datagram) { take([message]) }
  }

  /// Takes a record the datagram reader skipped.
  func observe(skipped record: CaptureRecord, reason: SkipReason) {
    guard reason == .notUDP else { return }
    let messages = reader.add(skipped: record)
    if !messages.isEmpty { take(messages) }
  }

  func declarations(forRTPTo destination: Endpoint) -> [UInt8: SignalledPayloadTypes.Declaration] {
    declared.declarations(forRTPTo: destination)
  }

  /// Takes the messages still held in TCP streams with gaps, once the capture has ended.
  func finish() {
    take(reader.finish())
  }

  private func take(_ messages: [CapturedSIPMessage]) {
    for captured in messages {
      tracker.add(captured)
      guard let callID = captured.message.callID, let call = tracker.call(withID: callID)
      else { continue }
      for binding in call.media {
        for mapping in binding.mappings {
          declared.declare(
            mapping.payloadType,
            .init(name: mapping.format.encodingName, clockRate: mapping.format.clockRate),
            forRTPTo: binding.destination)
        }
      }
    }
  }
}
