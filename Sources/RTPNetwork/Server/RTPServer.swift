import CNetShim
import RTPBase
import Synchronization

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#endif

/// One worker thread multiplexing UDP for many ``RTPChannel``s, librtpsynth's `RtpServer`
/// without its tick: the thread sleeps in `epoll` and wakes for a datagram, a queued send or a
/// send deadline, so receive times are the kernel's per-packet timestamps and sends leave at
/// their deadline; receives and sends are batched (`recvmmsg`, `sendmmsg`).
///
/// Call ``shutdown()`` when done (it is also called when the server is released); it closes
/// every channel.
public final class RTPServer: @unchecked Sendable {
  // @unchecked: `state` is Sendable itself; `thread` is behind a Mutex.
  private let state: ServerState
  private let thread: LockedValue<WorkerThread?>

  /// The kernel's limit on a UDP payload over IPv4.
  public static let maxDatagramSize = 65507

  /// Starts the worker thread.
  public init(name: String = "rtp-server") throws(NetworkError) {
    let state = try ServerState()
    self.state = state
    let worker = try WorkerThread.start(name: name) {
      ServerWorker(state: state).run()
    }
    thread = LockedValue(worker)
  }

  deinit { shutdown() }

  /// Creates a channel: a UDP socket bound to `bindHost`:`bindPort` and handed to the worker.
  ///
  /// - Parameters:
  ///   - onPacket: called on the worker thread for each datagram received.
  ///   - bindHost: an address literal or a name; `nil` binds to every address of the family
  ///     (`0.0.0.0`, or `::` for ``AddressFamily/ipv6``).
  ///   - bindPort: the local port; 0 lets the kernel choose (see ``RTPChannel/localAddress``).
  ///   - queueSize: output queue length, a power of two greater than zero.
  ///   - family: the socket's IP version.
  ///   - maxPacketSize: the largest datagram the channel sends (memory is queueSize × this).
  ///   - receiveBufferSize: `SO_RCVBUF` bytes asked for (the kernel caps it at `rmem_max`);
  ///     large by default so that bursts are not dropped; 0 keeps the system default.
  ///   - sendBufferSize: `SO_SNDBUF` bytes asked for; 0 keeps the system default.
  /// - Throws: ``NetworkError/invalidQueueSize(_:)``, ``NetworkError/cannotResolve(host:reason:)``,
  ///   ``NetworkError/cannotBind(address:errno:)``, ``NetworkError/closed`` after shutdown.
  public func createChannel(
    onPacket: @escaping RTPChannel.PacketHandler, bindHost: String? = nil, bindPort: UInt16 = 0,
    queueSize: Int = 32, family: AddressFamily = .auto, maxPacketSize: Int = 2048,
    receiveBufferSize: Int = 4 << 20, sendBufferSize: Int = 1 << 20
  ) throws(NetworkError) -> RTPChannel {
    try createChannel(
      onDatagram: { bytes, source, _, time in onPacket(bytes, source, time) }, bindHost: bindHost,
      bindPort: bindPort, queueSize: queueSize, family: family, maxPacketSize: maxPacketSize,
      receiveBufferSize: receiveBufferSize, sendBufferSize: sendBufferSize)
  }

  /// Creates a channel whose handler is also told each datagram's destination: the address it
  /// was sent to, which a channel bound to every address (`0.0.0.0`, `::`) learns from the
  /// kernel (`IP_PKTINFO`, `IPV6_PKTINFO`), and the channel's port. The other parameters are
  /// ``createChannel(onPacket:bindHost:bindPort:queueSize:family:maxPacketSize:receiveBufferSize:sendBufferSize:)``'s.
  public func createChannel(
    onDatagram: @escaping RTPChannel.DatagramHandler, bindHost: String? = nil,
    bindPort: UInt16 = 0, queueSize: Int = 32, family: AddressFamily = .auto,
    maxPacketSize: Int = 2048, receiveBufferSize: Int = 4 << 20, sendBufferSize: Int = 1 << 20
  ) throws(NetworkError) -> RTPChannel {
    guard queueSize > 0, queueSize & (queueSize - 1) == 0 else {
      throw .invalidQueueSize(queueSize)
    }
    guard maxPacketSize > 0, maxPacketSize <= Self.maxDatagramSize else {
      throw .packetTooLarge(size: maxPacketSize, limit: Self.maxDatagramSize)
    }
    guard !state.isStopped else { throw .closed }
    let host = bindHost ?? (family == .ipv6 ? "::" : "0.0.0.0")
    let bindAddress = try HostResolver.socketAddress(host, port: bindPort, family: family)
    let isIPv6 = bindAddress.isIPv6
    let shownAddress = bindAddress.endpoint?.description ?? "\(host):\(bindPort)"
    let descriptor = rtpnet_udp_socket(isIPv6 ? AF_INET6 : AF_INET, family == .ipv6 ? 1 : 0)
    guard descriptor >= 0 else { throw .systemCall(operation: "socket", errno: -descriptor) }
    var raw = bindAddress.raw
    var local = rtpnet_sockaddr()
    let failure: NetworkError? = {
      let buffers = rtpnet_set_buffers(
        descriptor, Int32(clamping: receiveBufferSize), Int32(clamping: sendBufferSize))
      if buffers < 0 { return .systemCall(operation: "setsockopt", errno: -buffers) }
      if bindAddress.endpoint?.address.isUnspecified ?? false {
        let asked = rtpnet_enable_destination(descriptor, isIPv6 ? AF_INET6 : AF_INET)
        if asked < 0 { return .systemCall(operation: "setsockopt", errno: -asked) }
      }
      let bound = rtpnet_bind(descriptor, &raw)
      if bound < 0 { return .cannotBind(address: shownAddress, errno: -bound) }
      let named = rtpnet_local_address(descriptor, &local)
      if named < 0 { return .systemCall(operation: "getsockname", errno: -named) }
      return nil
    }()
    if let failure {
      _ = close(descriptor)
      throw failure
    }
    guard let localAddress = SocketAddress(raw: local).endpoint else {
      _ = close(descriptor)
      throw .systemCall(operation: "getsockname", errno: EAFNOSUPPORT)
    }
    let channel = RTPChannel(
      descriptor: descriptor, localAddress: localAddress, isIPv6: isIPv6,
      isDualStack: isIPv6 && family != .ipv6, queueSize: queueSize, maxPacketSize: maxPacketSize,
      server: state, onPacket: onDatagram)
    guard state.post(.add(channel)) else {
      channel.markClosed()
      channel.closeSocket()
      throw .closed
    }
    return channel
  }

  /// Whether ``shutdown()`` has been called.
  public var isShutDown: Bool { state.isStopped }

  /// Closes every channel and stops the worker thread, waiting for it unless called from one of
  /// its callbacks. Safe to call more than once.
  public func shutdown() {
    state.post(.shutdown)
    guard let worker = thread.withLock({ thread in thread.take() }) else { return }
    if worker.isCurrent {
      worker.detach()
    } else {
      worker.join()
    }
  }
}
