import RTPCaptures
import RTPPlayout
import RTPSecurity
import RTPSignalling
import RTPToolSupport

extension RTPDec {
  /// The SRTP session that decrypts `summary`'s packets: `--srtp-key`'s, else one of the key
  /// that the sender of RTP to the stream's destination gave in its SDP `a=crypto`; `nil`
  /// when no key applies, so that plain streams take the plain path.
  func srtpSession(
    for summary: RTPStreamSummary?, signalling: CallSignalling, name: String
  ) throws(ToolFailure) -> SRTPSession? {
    let key: SRTPKey
    if let srtpKey {
      key = srtpKey
    } else if let summary,
      let crypto = signalling.tracker.senderCrypto(
        forDestination: summary.key.destination, at: summary.firstTime)
    {
      do {
        key = try SRTPKey(suite: crypto.suite, keyParameters: crypto.keyParameters)
      } catch {
        throw ToolFailure(
          .dataError, "\(name): the SDP's a=crypto for \(summary.key.destination): \(error)")
      }
      let call = signalling.tracker.binding(
        forDestination: summary.key.destination, at: summary.firstTime)?.callID
      Terminal.printError(
        "rtpdec: \(name): SRTP key \(key.suite) from the SDP of call \(call ?? "?") "
          + "for \(summary.key.destination)")
    } else {
      return nil
    }
    do {
      return try SRTPSession(key: key, direction: .inbound)
    } catch {
      throw ToolFailure(.software, "\(name): \(error)")
    }
  }

  /// Reports a stream's SRTP failures; throws when no packet of it was decrypted.
  static func checkSRTP(_ counts: PlayoutStatistics, name: String, channel: String = "")
    throws(ToolFailure)
  {
    let failed = counts.srtpFailures + counts.srtpReplays
    guard failed > 0 else { return }
    if counts.jitterBuffer.settled == 0 && counts.jitterBuffer.held == 0 {
      throw ToolFailure(
        .dataError,
        "\(name): \(channel)all \(failed) packets failed SRTP authentication (a wrong key?): "
          + "nothing decoded")
    }
    var parts: [String] = []
    if counts.srtpFailures > 0 { parts.append("\(counts.srtpFailures) failed SRTP authentication") }
    if counts.srtpReplays > 0 { parts.append("\(counts.srtpReplays) were SRTP replays") }
    Terminal.printError(
      "rtpdec: \(name): \(channel)packets not decoded: " + parts.joined(separator: ", "))
  }
}
