import CNetShim
import RTPBase
import RTPCaptures
import Synchronization
import SystemPackage

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
  ///
  /// - Throws: ``NetworkError/system(_:)`` when the epoll, eventfd or timerfd it waits on
  ///   cannot be made, ``NetworkError/cannotStartThread(_:)`` when the system refuses its
  ///   thread.
  public init(name: String = "rtp-server") throws(NetworkError) {
    let state = try ServerState()
    self.state = state
    do throws(SystemError) {
      let worker = try WorkerThread.start(name: name) {
        ServerWorker(state: state).run()
      }
      thread = LockedValue(worker)
    } catch {
      throw .cannotStartThread(error)
    }
  }

  deinit { shutdown() }

  /// Creates a channel: a UDP socket bound to `local` and handed to the worker.
  ///
  /// - Parameters:
  ///   - onPacket: called on the worker thread for each datagram received.
  ///   - local: the address and port to bind, already resolved (``HostResolver``); `nil` binds
  ///     to every address of the family (`0.0.0.0`, or `::` for ``AddressFamily/ipv6``) and a
  ///     port the kernel chooses. Port 0 lets the kernel choose (see
  ///     ``RTPChannel/localAddress``).
  ///   - options: the socket's family, buffers and output queue; a channel that never sends
  ///     takes ``RTPChannelOptions/receiveOnly(family:receiveBufferSize:)``.
  /// - Throws: ``NetworkError/invalidQueueSize(_:)``, ``NetworkError/packetTooLarge(size:limit:)``,
  ///   ``NetworkError/addressFamilyMismatch(_:)`` for an address of the other family than
  ///   `options.family`, ``NetworkError/cannotBind(_:_:)``, ``NetworkError/system(_:)`` when a
  ///   socket call fails, ``NetworkError/closed`` after shutdown.
  public func createChannel(
    onPacket: @escaping RTPChannel.PacketHandler, bindingTo local: Endpoint? = nil,
    options: RTPChannelOptions = RTPChannelOptions()
  ) throws(NetworkError) -> RTPChannel {
    try createChannel(
      onDatagram: { bytes, source, _, time in onPacket(bytes, source, time) }, bindingTo: local,
      options: options)
  }

  /// Creates a channel whose handler is also told each datagram's destination: the address it
  /// was sent to, which a channel bound to every address (`0.0.0.0`, `::`) learns from the
  /// kernel (`IP_PKTINFO`, `IPV6_PKTINFO`), and the channel's port. The other parameters are
  /// ``createChannel(onPacket:bindingTo:options:)``'s.
  public func createChannel(
    onDatagram: @escaping RTPChannel.DatagramHandler, bindingTo local: Endpoint? = nil,
    options: RTPChannelOptions = RTPChannelOptions()
  ) throws(NetworkError) -> RTPChannel {
    if let sending = options.sending {
      let queueSize = sending.queueSize
      guard queueSize > 0, queueSize & (queueSize - 1) == 0 else {
        throw .invalidQueueSize(queueSize)
      }
      guard sending.maxPacketSize > 0, sending.maxPacketSize <= Self.maxDatagramSize else {
        throw .packetTooLarge(size: sending.maxPacketSize, limit: Self.maxDatagramSize)
      }
    }
    guard !state.isStopped else { throw .closed }
    let family = options.family
    let bindEndpoint =
      local ?? Endpoint(address: family == .ipv6 ? .v6(.any) : .v4(.any), port: 0)
    switch (family, bindEndpoint.address) {
    case (.ipv4, .v6), (.ipv6, .v4): throw .addressFamilyMismatch(bindEndpoint)
    default: break
    }
    let isIPv6 = bindEndpoint.address.isIPv6
    guard
      let bindAddress = SocketAddress(bindEndpoint, socketIsIPv6: isIPv6, dualStack: false)
    else { throw .addressFamilyMismatch(bindEndpoint) }
    let descriptor = rtpnet_udp_socket(
      isIPv6 ? AF_INET6 : AF_INET, family == .ipv6 ? RTPNET_IPV6_ONLY : RTPNET_DUAL_STACK)
    guard descriptor >= 0 else { throw .system(SystemError("socket", code: descriptor)) }
    var raw = bindAddress.raw
    var local = rtpnet_sockaddr()
    let failure: NetworkError? = {
      let buffers = rtpnet_set_buffers(
        descriptor, Int32(clamping: options.receiveBufferSize),
        Int32(clamping: options.sending?.sendBufferSize ?? 0))
      if buffers < 0 { return .system(SystemError("setsockopt", code: buffers)) }
      if bindEndpoint.address.isUnspecified {
        let asked = rtpnet_enable_destination(descriptor, isIPv6 ? AF_INET6 : AF_INET)
        if asked < 0 { return .system(SystemError("setsockopt", code: asked)) }
      }
      let bound = rtpnet_bind(descriptor, &raw)
      if bound < 0 { return .cannotBind(bindEndpoint, SystemError("bind", code: bound)) }
      let named = rtpnet_local_address(descriptor, &local)
      if named < 0 { return .system(SystemError("getsockname", code: named)) }
      return nil
    }()
    if let failure {
      _ = close(descriptor)
      throw failure
    }
    guard let localAddress = SocketAddress(raw: local).endpoint else {
      _ = close(descriptor)
      throw .system(SystemError("getsockname", errno: .addressFamilyNotSupported))
    }
    let channel = RTPChannel(
      descriptor: descriptor, localAddress: localAddress, isIPv6: isIPv6,
      isDualStack: isIPv6 && family != .ipv6, sending: options.sending, server: state,
      onPacket: onDatagram)
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
