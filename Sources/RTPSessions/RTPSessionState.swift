import RTPBase
import RTPCaptures
import RTPNetwork
import RTPPackets

/// The mutable state of one ``RTPSession`` that the server's worker (receiving), the RTCP timer
/// and the application (sending) share, kept behind the session's mutex: sending counters, the
/// reception statistics of the peer, what RTCP said, and the RTCP interval's inputs.
struct RTPSessionState {
  let configuration: RTPSessionConfiguration

  // Sending.
  var ssrc: UInt32
  /// Whether the SSRC may still follow the first packet given to `sendPacket`.
  var ssrcAdoptable: Bool
  var sequence: UInt16
  var packetsSent: UInt32 = 0
  var octetsSent: UInt32 = 0
  /// The RTP timestamp of the last packet sent and when it left (meaningful once one was sent).
  var lastSentTimestamp: UInt32 = 0
  var lastSentTime = NetworkInstant(nanoseconds: 0)
  var sentThisInterval = false
  var sentLastInterval = false
  /// The clock rate of the RTP sent, for the SR's RTP timestamp: the configuration's, or a
  /// static payload type's when ``RTPSession/sendPacket(_:at:)`` sends one.
  var sendClockRate: Int

  // Receiving.
  var reception: ReceptionStatistics?
  var peerSSRC: UInt32?
  var peerAddress: IPAddress?
  var peerRTPSource: Endpoint?
  var peerRTCPSource: Endpoint?
  var peerSentThisInterval = false
  var peerSentLastInterval = false
  /// The last SR from the peer: its NTP middle 32 bits and when it arrived (monotonic ns), kept
  /// until reception statistics exist to hold it.
  var pendingSenderReport: (ntp: NTPTimestamp, arrival: Int64)?
  /// When the peer was last heard, or when the session opened.
  var lastActivity = NetworkInstant(nanoseconds: 0)
  var peerDescription: RTPPeerDescription?
  var lastReceivedReport: RTCPReportBlock?
  var roundTripTime: Duration?
  /// The report blocks about this session's RTP in the compound just noted, for
  /// ``RTPSession/incomingReport(cookie:report:)``; taken (emptied) after each compound.
  var newPeerReports: [PeerReceptionReport] = []

  // RTCP.
  var averageRTCPSize: Double = 128
  var initial = true
  var statistics = RTPSessionStatistics()

  /// UDP and IPv4 headers, counted in RTCP sizes (A.7).
  static let lowerLayerOctets = 28

  init(configuration: RTPSessionConfiguration) {
    self.configuration = configuration
    var generator = SystemRandomNumberGenerator()
    ssrc = configuration.ssrc ?? .random(in: .min ... .max, using: &generator)
    ssrcAdoptable = configuration.ssrc == nil
    sequence = configuration.initialSequenceNumber ?? .random(in: .min ... .max, using: &generator)
    peerAddress = configuration.peer
    sendClockRate = configuration.clockRate
  }

  /// Whether this participant counts as a sender (sent RTP in the last two intervals).
  var weSent: Bool { sentThisInterval || sentLastInterval }

  /// Whether a peer is known: configured, or heard.
  var hasPeer: Bool { peerAddress != nil }

  // MARK: Sending RTP

  /// Writes the next RTP header into `buffer` and returns its length.
  func header(timestamp: UInt32, marker: Bool, into buffer: UnsafeMutableRawBufferPointer) -> Int {
    buffer[0] = 0x80
    buffer[1] = (marker ? 0x80 : 0) | configuration.payloadType
    buffer.storeBigEndian(sequence, at: 2)
    buffer.storeBigEndian(timestamp, at: 4)
    buffer.storeBigEndian(ssrc, at: 8)
    return RTPHeader.fixedLength
  }

  /// Counts a packet queued to leave at `departure`.
  mutating func noteSent(payloadLength: Int, timestamp: UInt32, departure: NetworkInstant) {
    sequence &+= 1
    packetsSent &+= 1
    octetsSent &+= UInt32(truncatingIfNeeded: payloadLength)
    lastSentTimestamp = timestamp
    lastSentTime = departure
    sentThisInterval = true
    statistics.rtpSent += 1
    statistics.octetsSent += payloadLength
  }

  // MARK: Receiving

  /// Whether a datagram from `source` belongs to the peer; latches the peer's address on the
  /// first datagram when none was configured.
  mutating func accept(_ source: Endpoint) -> Bool {
    if let peerAddress { return source.address == peerAddress }
    peerAddress = source.address
    return true
  }

  /// Counts an RTP packet from the peer for the reception statistics (RFC 3550 A.1, A.8).
  mutating func noteRTP(_ packet: RTPPacket, source: Endpoint, arrival: NetworkInstant) {
    statistics.rtpReceived += 1
    peerRTPSource = source
    lastActivity = arrival
    peerSentThisInterval = true
    if reception?.ssrc != packet.ssrc {
      // A known peer's first packet counts: it starts the statistics validated (probation 0),
      // so the first packet is neither lost nor dropped.
      var statistics = ReceptionStatistics(
        ssrc: packet.ssrc, clockRate: configuration.clockRate, sequence: packet.sequenceNumber,
        probation: 0)
      if peerSSRC == packet.ssrc, let pending = pendingSenderReport {
        statistics.noteSenderReport(pending.ntp, arrival: pending.arrival)
      }
      reception = statistics
      peerSSRC = packet.ssrc
    }
    reception?.update(
      sequence: packet.sequenceNumber, timestamp: packet.timestamp,
      arrival: arrival.nanoseconds)
  }

  /// What an RTCP compound from the peer says; returns whether it carried a BYE for the peer.
  /// Reads the compound in place: nothing is allocated unless the peer's CNAME or TOOL changes
  /// or a block reports on this session's RTP (collected in ``newPeerReports``).
  mutating func noteRTCP(
    _ compound: RTCPCompoundView, source: Endpoint, length: Int, arrival: ReceiveTime
  ) -> Bool {
    statistics.rtcpReceived += 1
    peerRTCPSource = source
    lastActivity = arrival.monotonic
    noteRTCPSize(length)
    var bye = false
    let arrivalNTP = NTPTimestamp(unixNanoseconds: arrival.realtime)
    for packet in compound {
      switch packet.packetType {
      case RTCPSenderReport.packetType:
        let reportSSRC = packet.ssrc
        if peerSSRC == nil { peerSSRC = reportSSRC }
        guard reportSSRC == peerSSRC else { continue }
        peerSentThisInterval = true
        let ntp = packet.ntpTimestamp
        pendingSenderReport = (ntp, arrival.monotonic.nanoseconds)
        if reception?.ssrc == reportSSRC {
          reception?.noteSenderReport(ntp, arrival: arrival.monotonic.nanoseconds)
        }
        noteBlocks(packet.reportBlocks, reporter: reportSSRC, sender: true, arrival: arrivalNTP)
      case RTCPReceiverReport.packetType:
        if peerSSRC == nil { peerSSRC = packet.ssrc }
        noteBlocks(
          packet.reportBlocks, reporter: packet.ssrc, sender: false, arrival: arrivalNTP)
      case RTCPSourceDescription.packetType:
        for chunk in packet.sourceDescriptionChunks where peerSSRC == nil || chunk.ssrc == peerSSRC
        {
          var known = peerDescription ?? RTPPeerDescription(ssrc: chunk.ssrc)
          known.ssrc = chunk.ssrc
          Self.update(&known.cname, from: chunk.cname)
          Self.update(&known.tool, from: chunk.tool)
          if known != peerDescription { peerDescription = known }
        }
      case RTCPGoodbye.packetType:
        let sources = packet.goodbyeSources
        if let peerSSRC {
          if sources.contains(peerSSRC) { bye = true }
        } else if !sources.isEmpty {
          bye = true
        }
      default:
        continue
      }
    }
    return bye
  }

  /// Sets `text` to `bytes` as UTF-8 when they differ, so that a repeated SDES item costs no
  /// new string.
  private static func update(_ text: inout String?, from bytes: UnsafeRawBufferPointer?) {
    guard let bytes else { return }
    if let text, text.utf8.elementsEqual(bytes) { return }
    text = String(decoding: bytes, as: UTF8.self)
  }

  private mutating func noteBlocks(
    _ blocks: RTCPReportBlockList, reporter: UInt32, sender: Bool, arrival: NTPTimestamp
  ) {
    for block in blocks where block.ssrc == ssrc {
      lastReceivedReport = block
      let rtt = block.roundTripTime(arrival: arrival).map { Duration.nanoseconds($0) }
      if let rtt { roundTripTime = rtt }
      newPeerReports.append(
        PeerReceptionReport(
          reporter: reporter, inSenderReport: sender, block: block, clockRate: sendClockRate,
          roundTripTime: rtt))
    }
  }

  /// A.7's running average of compound RTCP sizes, lower layers included.
  private mutating func noteRTCPSize(_ length: Int) {
    let size = Double(length + Self.lowerLayerOctets)
    averageRTCPSize = size / 16 + averageRTCPSize * 15 / 16
  }

  // MARK: RTCP

  /// The compound report to send now: an SR if this participant sent RTP in the last two
  /// intervals (NTP of `realtime`, the RTP timestamp extrapolated from the last packet sent to
  /// `monotonic`), else an RR; a report block on the peer once it has sent RTP; SDES CNAME and
  /// TOOL; a BYE when `goodbye`. Ends the interval.
  mutating func makeReport(
    monotonic: NetworkInstant, realtime: Int64, cname: String, goodbye: Bool
  )
    -> RTCPCompound
  {
    var blocks: [RTCPReportBlock] = []
    if reception != nil, let block = reception?.makeReportBlock(now: monotonic.nanoseconds) {
      blocks.append(block)
    }
    var packets: [RTCPPacket] = []
    if weSent {
      let elapsed = (monotonic - lastSentTime).saturatingNanoseconds
      let units =
        elapsed / 1_000_000_000 * Int64(sendClockRate)
        + elapsed % 1_000_000_000 * Int64(sendClockRate) / 1_000_000_000
      packets.append(
        .senderReport(
          RTCPSenderReport(
            ssrc: ssrc, ntpTimestamp: NTPTimestamp(unixNanoseconds: realtime),
            rtpTimestamp: lastSentTimestamp &+ UInt32(truncatingIfNeeded: units),
            packetCount: packetsSent, octetCount: octetsSent, reports: blocks)))
    } else {
      packets.append(.receiverReport(RTCPReceiverReport(ssrc: ssrc, reports: blocks)))
    }
    var items = [RTCPSourceDescriptionItem(type: RTCPSourceDescriptionItem.cname, text: cname)]
    if !configuration.toolName.isEmpty {
      items.append(
        RTCPSourceDescriptionItem(
          type: RTCPSourceDescriptionItem.tool, text: String(configuration.toolName.prefix(255))))
    }
    packets.append(
      .sourceDescription(
        RTCPSourceDescription(chunks: [RTCPSourceDescriptionChunk(ssrc: ssrc, items: items)])))
    if goodbye { packets.append(.goodbye(RTCPGoodbye(sources: [ssrc]))) }
    let compound = RTCPCompound(packets)
    noteRTCPSize(compound.serializedLength)
    statistics.rtcpSent += 1
    initial = false
    ssrcAdoptable = false
    sentLastInterval = sentThisInterval
    sentThisInterval = false
    peerSentLastInterval = peerSentThisInterval
    peerSentThisInterval = false
    return compound
  }

  /// A.7's interval parameters now.
  var interval: RTCPInterval {
    let peerSent = peerSentThisInterval || peerSentLastInterval
    return RTCPInterval(
      members: peerSSRC == nil ? 1 : 2, senders: (weSent ? 1 : 0) + (peerSent ? 1 : 0),
      bandwidth: configuration.sessionBandwidth * 0.05, weSent: weSent,
      averagePacketSize: averageRTCPSize, initial: initial,
      minimum: Self.seconds(configuration.minimumRTCPInterval))
  }

  /// How long without RTP or RTCP from the peer drops the call:
  /// ``RTPSessionConfiguration/timeoutIntervals`` deterministic (non-initial) intervals.
  var timeout: Duration {
    var steady = interval
    steady.initial = false
    return .nanoseconds(Int64(configuration.timeoutIntervals * steady.deterministicSeconds * 1e9))
  }

  /// `duration` in seconds, for RFC 3550's interval arithmetic (A.7), which is in seconds.
  static func seconds(_ duration: Duration) -> Double {
    Double(duration.attoseconds) / 1e18
  }
}
