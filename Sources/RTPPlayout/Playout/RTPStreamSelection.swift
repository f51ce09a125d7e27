import RTPCaptures

/// Which packets of a capture go through the jitter buffer.
public enum RTPStreamSelection: Hashable, Sendable {
  /// Every packet with this SSRC, whatever its endpoints.
  case ssrc(UInt32)
  /// The packets of one stream: its SSRC between its two endpoints.
  case stream(RTPStreamKey)

  /// Whether a packet with `ssrc` from `source` to `destination` is selected.
  @inline(__always)
  public func matches(ssrc: UInt32, source: Endpoint, destination: Endpoint) -> Bool {
    switch self {
    case .ssrc(let wanted): return ssrc == wanted
    case .stream(let key): return key.matches(ssrc: ssrc, source: source, destination: destination)
    }
  }
}
