import RTPPackets

extension SRTPSession: RTPPacketUnprotecting {
  /// Unprotects `packet` in place as the play-out pipeline asks for it, giving the outcome:
  /// never a throw.
  public func unprotectPacket(_ packet: UnsafeMutableRawBufferPointer) -> RTPUnprotectOutcome {
    do {
      return .plain(length: try unprotect(packet))
    } catch {
      switch error {
      case .authenticationFailure: return .authenticationFailure
      case .replay: return .replay
      case .badPacket, .library: return .rejected
      }
    }
  }
}
