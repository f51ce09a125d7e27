import RTPBase
import RTPCaptures
import RTPNetwork
import RTPPackets
import RTPSessions
import RTPToolSupport
import Synchronization

/// rtprecv's session with `--rtcp`: records what arrives on the RTP port, answers the peer's
/// RTCP with receiver reports, reports its SDES and BYE on standard error, and remembers a BYE
/// for `--until-bye`.
final class ReceiverSession: RTPSession, @unchecked Sendable {
  // @unchecked: what this subclass adds is `recorder` (Sendable), `printed` (a Mutex) and
  // `byeFlag` (an atomic).
  private let recorder: CaptureRecorder
  private let printed = LockedValue<RTPPeerDescription?>(nil)
  private let byeFlag = Atomic<Bool>(false)

  init(configuration: RTPSessionConfiguration, recorder: CaptureRecorder) throws(RTPSessionError) {
    self.recorder = recorder
    try super.init(configuration: configuration)
  }

  /// Whether the peer said BYE.
  var sawBye: Bool { byeFlag.load(ordering: .acquiring) }

  override func incomingDatagram(
    _ bytes: UnsafeRawBufferPointer, source: Endpoint, local: Endpoint, time: ReceiveTime,
    isRTCPSocket: Bool
  ) {
    guard !isRTCPSocket else { return }
    recorder.record(bytes, source: source, destination: local, time: time.realtime)
  }

  override func incomingRTCP(
    cookie: RTPSessionCookie, compound: RTCPCompoundView, source: Endpoint
  ) {
    for packet in compound {
      switch packet.packetType {
      case RTCPSourceDescription.packetType:
        guard let description = peerDescription else { continue }
        let isNew = printed.withLock { last in
          defer { last = description }
          return last != description
        }
        if isNew {
          Terminal.printError(
            "rtprecv: peer CNAME=\(Terminal.escaped(description.cname ?? "")) "
              + "TOOL=\(Terminal.escaped(description.tool ?? ""))")
        }
      case RTCPGoodbye.packetType:
        let sources = packet.goodbyeSources.map { "0x" + String($0, radix: 16) }
          .joined(separator: ",")
        let reason =
          packet.goodbyeReason.map { ": " + Terminal.escaped(String(decoding: $0, as: UTF8.self)) }
          ?? ""
        Terminal.printError("rtprecv: BYE from \(source) (SSRC \(sources))\(reason)")
      default:
        continue
      }
    }
  }

  override func dropCall(reason: DropCallReason) {
    switch reason {
    case .bye:
      byeFlag.store(true, ordering: .releasing)
    case .timeout, .socketError:
      Terminal.printError("rtprecv: \(reason)")
    }
  }
}
