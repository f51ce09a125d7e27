/// One point of a stream's trace for a plot: when a packet arrived, and the delta and jitter
/// after it.
public struct RTPStreamSample: Hashable, Sendable {
  /// Seconds since the first packet of the capture.
  public var time: Double
  /// Milliseconds since the stream's previous packet.
  public var deltaMs: Double
  /// Interarrival jitter in milliseconds; -1 when the clock rate is unknown.
  public var jitterMs: Double
}
