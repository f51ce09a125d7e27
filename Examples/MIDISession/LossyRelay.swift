import RTPCore
import Synchronization

/// A lossy link between the two sessions: a UDP channel on loopback that forwards every
/// datagram to the receiver except the RTP packets whose sequence numbers `shouldDrop` picks,
/// remembering which it dropped.
final class LossyRelay: Sendable {
  private let channel: RTPChannel
  private let shared: Shared

  /// What the channel's callback shares with the relay.
  private final class Shared: Sendable {
    let target = Mutex<Endpoint?>(nil)
    let channel = Mutex<RTPChannel?>(nil)
    let dropped = Mutex<[UInt16]>([])
  }

  init(server: RTPServer, shouldDrop: @escaping @Sendable (UInt16) -> Bool) throws(NetworkError) {
    let shared = Shared()
    self.shared = shared
    channel = try server.createChannel(
      onPacket: { bytes, _, _ in
        guard let target = shared.target.withLock({ $0 }),
          let channel = shared.channel.withLock({ $0 })
        else { return }
        if RTPPacketKind(classifying: bytes) == .rtp,
          let packet = try? RTPPacket(validating: bytes), shouldDrop(packet.sequenceNumber)
        {
          shared.dropped.withLock { $0.append(packet.sequenceNumber) }
          return
        }
        try? channel.send(bytes, to: target)
      }, bindingTo: Endpoint(address: .v4(.loopback), port: 0),
      options: RTPChannelOptions(sending: RTPChannelSendOptions(queueSize: 64)))
    shared.channel.withLock { $0 = channel }
  }

  /// The port the sender sends to.
  var port: UInt16 { channel.localAddress.port }

  /// Forwards from now on to `target`.
  func forward(to target: Endpoint) { shared.target.withLock { $0 = target } }

  /// The sequence numbers dropped so far, in order.
  var dropped: [UInt16] { shared.dropped.withLock { $0 } }
}
