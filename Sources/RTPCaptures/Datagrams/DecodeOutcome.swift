/// What ``DatagramDecoder`` made of one capture record.
public enum DecodeOutcome {
  /// The record held a UDP datagram (or completed a fragmented one).
  case datagram(UDPDatagram)
  /// The record held no usable UDP datagram, for this reason.
  case skipped(SkipReason)
  /// The record was an IPv4 or IPv6 fragment, kept until the rest of its datagram arrives.
  case held
}
