/// A payload type's clock rate inferred from a capture's times by ``ClockRateEstimator``.
public struct ClockRateEstimate: Sendable, Hashable {
  /// RTP timestamp units per second of capture time, as measured.
  public var measured: Double
  /// The standard rate nearest ``measured``: the one to use.
  public var rate: Int

  /// An estimate: the rate `measured` from the capture and the standard `rate` it rounds to.
  public init(measured: Double, rate: Int) {
    self.measured = measured
    self.rate = rate
  }
}
