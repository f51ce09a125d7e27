import RTPNetwork

extension RTPSession: RTPSendPath {
  public var sendChannel: RTPChannel? { rtpChannel }

  public func send(_ packet: UnsafeRawBufferPointer, at deadline: NetworkInstant?)
    -> RTPSendPathResult
  {
    do throws(RTPSessionError) {
      try sendPacket(packet, at: deadline)
      return .queued
    } catch .network(.queueFull) {
      return .queueFull
    } catch {
      return .failed(error)
    }
  }
}
