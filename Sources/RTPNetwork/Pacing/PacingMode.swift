/// When a sender sends each packet of a capture.
public enum PacingMode: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
  /// At the capture's own timestamps: the original timing, gaps and jitter included.
  case capture
  /// At the RTP timestamps on the payload's clock: ideal timing, for rtpdump files or streams
  /// made by hand whose capture times mean nothing.
  case rtp
  /// As fast as possible.
  case none

  public var description: String { rawValue }
}
