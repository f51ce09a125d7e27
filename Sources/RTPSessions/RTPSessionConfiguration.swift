import RTPCaptures
import RTPNetwork
import RTPPackets
import RTPPlayout

/// How an ``RTPSession`` is made: its peer, ports, payload, jitter buffer, tool name and RTCP
/// settings.
///
/// A session has a send port, a receive port, or both (the seed's rule):
/// - `sendPort` is the peer's port that RTP goes to (RTCP to `sendPort + 1`, or to `sendPort`
///   when multiplexed); it needs `peer`.
/// - `receivePort` is the local port RTP arrives on (RTCP on `receivePort + 1`, unless
///   multiplexed); 0 lets the kernel choose (an even-odd pair for separate RTCP).
///
/// Without a send port the session answers to where the peer's packets come from (symmetric
/// RTP and RTCP, RFC 4961); without a receive port it binds an ephemeral local port.
public struct RTPSessionConfiguration: Sendable, Hashable {
  /// The peer's address. Datagrams from other addresses are ignored; `nil` accepts the first
  /// source heard and keeps to its address.
  public var peer: IPAddress?
  /// The peer's RTP port to send to.
  public var sendPort: UInt16?
  /// The local RTP port (0: any).
  public var receivePort: UInt16?
  /// The payload type of the RTP this session sends.
  public var payloadType: UInt8
  /// The RTP clock rate in Hz, for jitter and for the RTP timestamp of sender reports.
  public var clockRate: Int
  /// Clock rates (Hz) of the payload types of packets sent whole with
  /// ``RTPSession/sendPacket(_:at:)`` (a replayed capture's dynamic types), over the static
  /// ones of RFC 3551.
  public var payloadClockRates: [UInt8: Int] = [:]
  /// Packets the jitter buffer holds behind a gap before declaring the gap lost.
  public var jitterBufferSize: Int
  /// How long a packet may wait behind a gap (to the nanosecond), checked as packets arrive;
  /// `nil` waits for ``jitterBufferSize`` packets only.
  public var jitterBufferMaxDelay: Duration?
  /// The TOOL item of the session's SDES.
  public var toolName: String
  /// The CNAME item; `nil` for `<ssrc in hex>@<host name>`.
  public var cname: String?
  /// Where RTCP travels.
  public var rtcp: RTCPTransport
  /// The smallest RTCP interval (RFC 3550 section 6.2: 5 s, or less for large bandwidths and
  /// tests); halved before the first report.
  public var minimumRTCPInterval: Duration
  /// The session bandwidth in octets per second; RTCP takes 5 % of it.
  public var sessionBandwidth: Double
  /// How many deterministic RTCP intervals without RTP or RTCP from the peer drop the call.
  public var timeoutIntervals: Double
  /// The local address to bind, already resolved (``/RTPNetwork/HostResolver``), with its IPv6 zone
  /// (``/RTPCaptures/Endpoint/scopeID``) for a link-local one; `nil` for every address of the peer's family.
  /// Its port is not used: the ports are ``receivePort``'s (and the next, for RTCP).
  public var bindAddress: Endpoint?
  /// The SSRC to send with; `nil` for a random one (or, with ``RTPSession/sendPacket(_:at:)``,
  /// the first packet's).
  public var ssrc: UInt32?
  /// The first sequence number sent; `nil` for a random one (RFC 3550 wants it random).
  public var initialSequenceNumber: UInt16?
  /// Output queue length of the RTP socket (a power of two); by default
  /// ``/RTPNetwork/RTPChannelSendOptions``'s.
  public var sendQueueSize: Int
  /// The largest RTP datagram sent; by default ``/RTPNetwork/RTPChannelSendOptions``'s.
  public var maxPacketSize: Int
  /// `SO_RCVBUF` asked for on each socket; by default ``/RTPNetwork/RTPChannelOptions``'s.
  public var receiveBufferSize: Int
  /// `SO_SNDBUF` asked for on the RTP socket (0: the system's default); by default
  /// ``/RTPNetwork/RTPChannelSendOptions``'s.
  public var sendBufferSize: Int

  /// What the RTCP socket (when RTCP has a port of its own) sends: compound packets, a few at
  /// a time, with the system's send buffer.
  public static let rtcpSending = RTPChannelSendOptions(
    queueSize: 8, maxPacketSize: 1500, sendBufferSize: 0)

  /// A configuration with the seed's parameters; the rest have defaults.
  public init(
    peer: IPAddress?, sendPort: UInt16? = nil, receivePort: UInt16? = nil, payloadType: UInt8,
    clockRate: Int = 8000, jitterBufferSize: Int = 10, toolName: String = "rtpsynth"
  ) {
    self.peer = peer
    self.sendPort = sendPort
    self.receivePort = receivePort
    self.payloadType = payloadType
    self.clockRate = clockRate
    self.jitterBufferSize = jitterBufferSize
    self.toolName = toolName
    jitterBufferMaxDelay = nil
    cname = nil
    rtcp = .separatePort
    minimumRTCPInterval = .seconds(RTCPInterval.minimumSeconds)
    sessionBandwidth = 8000
    timeoutIntervals = 5
    bindAddress = nil
    ssrc = nil
    initialSequenceNumber = nil
    // One set of defaults for sockets, the channel options', so that a session's RTP socket
    // and a channel made directly agree.
    let channel = RTPChannelOptions()
    let sending = RTPChannelSendOptions()
    sendQueueSize = sending.queueSize
    maxPacketSize = sending.maxPacketSize
    receiveBufferSize = channel.receiveBufferSize
    sendBufferSize = sending.sendBufferSize
  }

  /// Throws what is wrong with the configuration, if anything.
  public func validate() throws(RTPSessionError) {
    guard sendPort != nil || receivePort != nil else { throw .noPort }
    guard sendPort == nil || peer != nil else { throw .sendPortWithoutPeer }
    if rtcp == .separatePort, receivePort == .max { throw .noRTCPPort(receivePort: .max) }
    guard payloadType <= 127 else { throw .invalidPayloadType(Int(payloadType)) }
    guard (1...JitterBuffer.maximumCapacity).contains(jitterBufferSize) else {
      throw .invalidJitterBufferSize(jitterBufferSize)
    }
    guard clockRate > 0 else { throw .invalidClockRate(clockRate) }
    guard minimumRTCPInterval > .zero else {
      throw .invalidRTCPSetting("minimumRTCPInterval")
    }
    guard sessionBandwidth > 0, sessionBandwidth.isFinite else {
      throw .invalidRTCPSetting("sessionBandwidth")
    }
    guard timeoutIntervals > 0, timeoutIntervals.isFinite else {
      throw .invalidRTCPSetting("timeoutIntervals")
    }
  }

  /// The RTP socket's options: ``sendQueueSize``, ``maxPacketSize``, the buffers.
  func rtpChannelOptions(family: AddressFamily) -> RTPChannelOptions {
    RTPChannelOptions(
      family: family, receiveBufferSize: receiveBufferSize,
      sending: RTPChannelSendOptions(
        queueSize: sendQueueSize, maxPacketSize: maxPacketSize, sendBufferSize: sendBufferSize))
  }

  /// The RTCP socket's options: ``rtcpSending`` and ``receiveBufferSize``.
  func rtcpChannelOptions(family: AddressFamily) -> RTPChannelOptions {
    RTPChannelOptions(
      family: family, receiveBufferSize: receiveBufferSize, sending: Self.rtcpSending)
  }

  /// Where RTP goes when the configuration says.
  var rtpDestination: Endpoint? {
    guard let peer, let sendPort else { return nil }
    return Endpoint(address: peer, port: sendPort)
  }

  /// Where RTCP goes when the configuration says.
  var rtcpDestination: Endpoint? {
    guard let peer, let sendPort else { return nil }
    switch rtcp {
    case .multiplexed: return Endpoint(address: peer, port: sendPort)
    case .separatePort: return sendPort == .max ? nil : Endpoint(address: peer, port: sendPort + 1)
    }
  }
}
