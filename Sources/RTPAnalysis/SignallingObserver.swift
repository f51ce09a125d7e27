import RTPCaptures

/// What reads a capture's signalling in the same pass as its RTP (the SIP and SDP an analyzer
/// passes over as not RTP), and says what it has declared so far for RTP to each destination:
/// how ``RTPStreamAnalyzer`` names and clocks streams from a call's SDP without a pass of its
/// own, as tshark does in one.
public protocol SignallingObserver: AnyObject {
  /// Takes a UDP datagram that is not RTP.
  func observe(_ datagram: UDPDatagram)
  /// What the signalling read so far declares for RTP sent to `destination`, by payload type.
  func declarations(forRTPTo destination: Endpoint) -> [UInt8: SignalledPayloadTypes.Declaration]
}
