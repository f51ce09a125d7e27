/// What a jitter buffer has done with the datagrams fed to it.
///
/// Every valid packet fed ends in exactly one of ``ready``, ``late``, ``duplicates`` or
/// ``outOfSequence`` once the buffer is flushed; until then some are ``held``.
public struct JitterBufferStatistics: Sendable, Hashable {
  /// Datagrams fed, valid or not.
  public var fed: UInt64 = 0
  /// Datagrams that were not valid RTP.
  public var parseErrors: UInt64 = 0
  /// Packets released in order.
  public var ready: UInt64 = 0
  /// Packets that arrived after play-out had passed them.
  public var late: UInt64 = 0
  /// Packets whose sequence number was already held or played.
  public var duplicates: UInt64 = 0
  /// Packets too far from the stream's sequence to belong to it.
  public var outOfSequence: UInt64 = 0
  /// Erasure frames reported.
  public var erasures: UInt64 = 0
  /// Packets those erasures stand for.
  public var erasedPackets: UInt64 = 0
  /// Streams started (first packet, SSRC changes, confirmed restarts).
  public var streams: UInt64 = 0
  /// Packets held now, waiting for a gap to fill.
  public var held: UInt64 = 0

  /// Statistics that are all zero.
  public init() {}

  /// Packets whose fate is decided: ready or dropped.
  public var settled: UInt64 { ready + late + duplicates + outOfSequence }
}
