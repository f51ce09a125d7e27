import RTPBase
import RTPSessions
import RTPToolSupport

/// rtpsend's session with `--rtcp`: prints each report block the peer sends about our stream
/// (fraction lost, cumulative loss, jitter, round-trip time) on standard error as it comes, and
/// keeps the last one for `--stats`.
final class SenderSession: RTPSession, @unchecked Sendable {
  // @unchecked: what this subclass adds is `reports` (a Mutex).
  private let reports = LockedValue<(count: Int, last: PeerReceptionReport?)>((0, nil))

  /// How many report blocks about our stream arrived, and the last one.
  var peerReports: (count: Int, last: PeerReceptionReport?) { reports.withLock { $0 } }

  override func incomingReport(cookie: RTPSessionCookie, report: PeerReceptionReport) {
    reports.withLock { $0 = ($0.count + 1, report) }
    // Only numbers: nothing the peer wrote as text reaches the terminal.
    Terminal.printError("rtpsend: \(report)")
  }
}
