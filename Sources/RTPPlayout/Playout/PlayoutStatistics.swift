/// What a ``PlayoutPipeline`` did with every record it read.
///
/// Every record is accounted for exactly once:
/// `read == skippedRecords + fragments + notRTP + parseErrors + otherStreams + truncated +
/// srtpFailures + srtpReplays` plus the
/// jitter buffer's settled and held packets (``isBalanced``); none is held once the pipeline has
/// run to the end.
public struct PlayoutStatistics: Sendable, Hashable {
  /// Capture records read.
  public var read = 0
  /// Records that held no UDP datagram (not IP, not UDP, truncated, malformed...).
  public var skippedRecords = 0
  /// IPv4 and IPv6 fragments that went into a reassembled datagram: each such datagram counts
  /// its last fragment as the datagram and the others here. Fragments of datagrams never
  /// reassembled are in ``skippedRecords``.
  public var fragments = 0
  /// UDP datagrams that were not RTP: RTCP, or not version 2.
  public var notRTP = 0
  /// UDP datagrams that looked like RTP but failed validation.
  public var parseErrors = 0
  /// Valid RTP packets of streams other than the one selected.
  public var otherStreams = 0
  /// Packets of the selected stream whose payload the capture cut short (a short snaplen, an
  /// rtpdump header-only record): kept out of the jitter buffer and the output.
  public var truncated = 0
  /// Packets of the selected stream that failed SRTP authentication (a wrong key, a forged or
  /// damaged packet) or that the SRTP session refused: never played.
  public var srtpFailures = 0
  /// Packets of the selected stream that SRTP's replay check refused: never played.
  public var srtpReplays = 0
  /// What the jitter buffer did with the selected stream's packets: ready, late, duplicates,
  /// out of sequence, erasures, and any still held.
  public var jitterBuffer = JitterBufferStatistics()
  /// Ready packets the output could not carry (longer than its format describes).
  public var notWritten = 0
  /// Bytes of silence a payload output left out of erasures because the stream's RTP time ran
  /// more than a second ahead of the capture time it spans.
  public var silenceNotFilled: UInt64 = 0

  /// Statistics that are all zero.
  public init() {}

  /// Records that carried no RTP: ``skippedRecords`` and ``notRTP``, what a tool reports as
  /// skipped.
  public var skipped: Int { skippedRecords + notRTP }

  /// Whether every record read is accounted for exactly once.
  public var isBalanced: Bool {
    UInt64(
      skippedRecords + fragments + notRTP + parseErrors + otherStreams + truncated + srtpFailures
        + srtpReplays)
      + jitterBuffer.settled + jitterBuffer.held == UInt64(read)
  }
}
