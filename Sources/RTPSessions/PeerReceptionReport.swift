import RTPBase
import RTPPackets

/// One report block the peer sent about the RTP this session sends (RFC 3550 section 6.4: in the
/// peer's RR, or in its SR when it sends too), in the units people read: loss as a fraction,
/// jitter in milliseconds on the clock of the RTP sent, and the round-trip time that the
/// block's LSR and DLSR give (section 6.4.1).
public struct PeerReceptionReport: Sendable, Hashable, CustomStringConvertible {
  /// The SSRC of the participant that sent the block.
  public var reporter: UInt32
  /// Whether the block came in a sender report (else a receiver report).
  public var inSenderReport: Bool
  /// The block as it came.
  public var block: RTCPReportBlock
  /// The clock rate (Hz) of the RTP the block is about, for ``jitterMilliseconds``.
  public var clockRate: Int
  /// The round-trip time (A − LSR − DLSR), `nil` when the block has no LSR (the peer has not
  /// had a sender report from this session yet).
  public var roundTripTime: Duration?

  /// A report from `reporter` (in an SR when `inSenderReport`), its `block`, read with
  /// `clockRate` for the jitter in seconds, and the round-trip time worked out from it.
  public init(
    reporter: UInt32, inSenderReport: Bool, block: RTCPReportBlock, clockRate: Int,
    roundTripTime: Duration?
  ) {
    self.reporter = reporter
    self.inSenderReport = inSenderReport
    self.block = block
    self.clockRate = clockRate
    self.roundTripTime = roundTripTime
  }

  /// The fraction of packets lost since the peer's previous report, 0 to 255/256.
  public var fractionLost: Double { Double(block.fractionLost) / 256 }

  /// Packets lost since reception began (negative with duplicates).
  public var cumulativeLost: Int32 { block.cumulativeLost }

  /// The interarrival jitter in milliseconds.
  public var jitterMilliseconds: Double {
    clockRate > 0 ? Double(block.jitter) * 1000 / Double(clockRate) : .nan
  }

  /// The round-trip time in milliseconds, `nil` without an LSR.
  public var roundTripMilliseconds: Double? {
    roundTripTime.map { Double($0.saturatingNanoseconds) / 1e6 }
  }

  /// One line for a person: `RR from 0x1a2b3c4d: lost 1.2% (cumulative 3), jitter 0.125 ms,
  /// round trip 0.412 ms` (`round trip unknown (no LSR)` before the peer has had an SR).
  public var description: String {
    let kind = inSenderReport ? "SR" : "RR"
    let roundTrip =
      roundTripMilliseconds.map { "round trip \(DecimalText.fixed($0, decimals: 3)) ms" }
      ?? "round trip unknown (no LSR)"
    return "\(kind) from 0x\(String(reporter, radix: 16)): lost "
      + "\(DecimalText.fixed(fractionLost * 100, decimals: 1))% (cumulative \(cumulativeLost)), "
      + "jitter \(DecimalText.fixed(jitterMilliseconds, decimals: 3)) ms, \(roundTrip)"
  }
}
