import RTPBase

/// The initial SSRC, sequence number and timestamp of a stream.
///
/// RFC 3550 wants all three random so that streams are hard to guess and collide rarely; they
/// come from the system CSPRNG unless a seed asks for a reproducible stream.
public struct RTPStreamStart: Hashable, Sendable {
  /// The stream's synchronisation source.
  public var ssrc: UInt32
  /// The first packet's sequence number.
  public var sequenceNumber: UInt16
  /// The first packet's RTP timestamp.
  public var timestamp: UInt32

  /// These three values.
  public init(ssrc: UInt32, sequenceNumber: UInt16, timestamp: UInt32) {
    self.ssrc = ssrc
    self.sequenceNumber = sequenceNumber
    self.timestamp = timestamp
  }

  /// Values drawn from `generator`.
  public static func random(using generator: inout some RandomNumberGenerator) -> RTPStreamStart {
    RTPStreamStart(
      ssrc: .random(in: .min ... .max, using: &generator),
      sequenceNumber: .random(in: .min ... .max, using: &generator),
      timestamp: .random(in: .min ... .max, using: &generator))
  }

  /// Values from the system CSPRNG, different in every process.
  public static func random() -> RTPStreamStart {
    var generator = SystemRandomNumberGenerator()
    return random(using: &generator)
  }

  /// Values that depend only on `seed`, the same in every run.
  public static func seeded(_ seed: UInt64) -> RTPStreamStart {
    var generator = SplitMix64(seed: seed)
    return random(using: &generator)
  }
}
