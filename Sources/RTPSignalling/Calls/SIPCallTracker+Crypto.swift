import RTPCaptures

extension SIPCallTracker {
  /// The SDES key (RFC 4568) with which RTP sent to `destination` at capture time `time` was
  /// protected: its sender's, from the SDP of the other party of the call whose SDP covers
  /// `destination`, of the same media, the latest at or before `time` (else the earliest).
  ///
  /// Each party's `a=crypto` lines give the keys it sends with; of several, the one whose tag
  /// the receiving party's SDP also carries (the answer names the offer's choice), else the
  /// first. `nil` when no SDP covers `destination` or its call's other party gave no key.
  public func senderCrypto(forDestination destination: Endpoint, at time: Int64) -> SDPCrypto? {
    guard let receiving = binding(forDestination: destination, at: time),
      let call = call(withID: receiving.callID)
    else { return nil }
    var chosen: SIPMediaBinding? = nil
    var earliest: SIPMediaBinding? = nil
    for candidate in call.media
    where candidate.destination != destination && candidate.media == receiving.media
      && !candidate.crypto.isEmpty
    {
      if candidate.since <= time, chosen == nil || candidate.since >= chosen!.since {
        chosen = candidate
      }
      if earliest == nil || candidate.since < earliest!.since { earliest = candidate }
    }
    guard let sender = chosen ?? earliest else { return nil }
    let tags = Set(receiving.crypto.map(\.tag))
    return sender.crypto.first { tags.contains($0.tag) } ?? sender.crypto.first
  }
}
