import RTPBase
import RTPCaptures
import RTPPackets

/// Per-stream statistics of a capture, as `tshark -z rtp,streams` prints them, computed in one
/// pass with bounded memory: what rtpstat reports.
///
/// Streams are told apart by SSRC and UDP endpoints. At most ``limit`` streams are tracked;
/// packets of others are counted in ``untrackedPackets``.
///
/// Not `Sendable`: it may hold its ``signalling`` observer, an object used by the reading
/// thread.
public struct RTPStreamAnalyzer {
  /// The most distinct streams tracked by default.
  public static let defaultLimit = 65536

  /// The most distinct streams tracked.
  public let limit: Int
  /// Clock rates by payload type, overriding (or adding to) the static types' rates.
  public let clockRates: [UInt8: Int]
  /// Points kept per stream for a plot; 0 keeps none.
  public let sampleLimit: Int
  /// Every flow tracked, in order of its first packet, on probation or not.
  public var tracked: [RTPStreamStatistics] {
    guard lastIndex >= 0 else { return statistics }
    var all = statistics
    all[lastIndex] = hot
    return all
  }
  /// The flows tracked, but for the last packet's, which is in `hot` (a placeholder here).
  private var statistics: [RTPStreamStatistics] = []
  /// The statistics of the last packet's flow, swapped out of `statistics` so that a packet of
  /// the same flow as the last costs no array access or uniqueness check (and its samples are
  /// never shared, so never copied); swapped back when a packet of another flow comes. A
  /// placeholder while `lastIndex` is -1.
  private var hot = RTPStreamStatistics(placeholderFor: RTPStreamAnalyzer.noKey)
  /// `hot`'s key, kept apart so that comparing it copies nothing.
  private var hotKey = RTPStreamAnalyzer.noKey
  private static let noKey = RTPStreamKey(
    ssrc: 0, source: Endpoint(address: .v4(.any), port: 0),
    destination: Endpoint(address: .v4(.any), port: 0))
  /// Valid RTP packets of streams beyond ``limit``.
  public private(set) var untrackedPackets = 0
  /// UDP datagrams that were not RTP (RTCP, or not version 2).
  public private(set) var notRTP = 0
  /// UDP datagrams that looked like RTP but failed validation.
  public private(set) var invalidRTP = 0
  /// Valid RTP packets counted from their header alone: the capture cut their payload short (a
  /// short snaplen, an rtpdump header-only record). Every statistic here is the header's.
  public private(set) var truncatedPackets = 0
  /// Capture time that relative times count from: the capture's first record's when read with
  /// ``read(from:progress:)`` (as tshark counts, whatever protocol that record holds), else the
  /// first datagram's.
  public private(set) var origin: Int64?
  private var index: [RTPStreamKey: Int] = [:]
  private var lastIndex = -1
  /// ``clockRate(for:)`` of each payload type (0 ... 127), worked out once: a dictionary lookup
  /// per packet cost more than the rest of the packet's statistics.
  private let rateTable: [Int?]
  /// The payload types the capture's signalling declares for RTP to each destination; set
  /// before reading, it names and clocks the streams sent there.
  public var signalled = SignalledPayloadTypes()
  /// What reads the capture's signalling as the packets come, if anything: it is given every
  /// datagram that is not RTP, and what it has declared for a destination when a stream to it
  /// starts names and clocks that stream (over ``signalled``).
  public var signalling: (any SignallingObserver)?
  /// The rate tables of streams whose destination has declarations, by stream index.
  private var streamRateTables: [Int: [Int?]] = [:]
  /// The rate table of the last packet's stream: ``rateTable`` or its own.
  private var hotRateTable: [Int?]

  /// - Parameters:
  ///   - clockRates: Clock rates (Hz) by payload type, for dynamic types above all.
  ///   - sampleLimit: Points to keep per stream for `RTPStreamPlot`; 0 for none.
  ///   - limit: The most streams tracked.
  public init(
    clockRates: [UInt8: Int] = [:], sampleLimit: Int = 0,
    limit: Int = RTPStreamAnalyzer.defaultLimit
  ) {
    precondition(limit >= 1, "an analyzer tracks at least one stream")
    self.clockRates = clockRates
    self.sampleLimit = sampleLimit
    self.limit = limit
    rateTable = (0...127).map { clockRates[$0] ?? RTPPayloadTypeRegistry.clockRate($0) }
    hotRateTable = rateTable
  }

  /// The RTP streams, in order of their first packet: the flows that passed probation (two
  /// packets in sequence, RFC 3550 appendix A.1), as tshark's heuristic finds them.
  public var streams: [RTPStreamStatistics] { tracked.filter(\.isConfirmed) }

  /// Packets of flows that never passed probation: a datagram that only looks like RTP.
  public var unconfirmedPackets: Int {
    tracked.reduce(0) { $0 + ($1.isConfirmed ? 0 : $1.packets) }
  }

  /// The clock rate used for `payloadType`: the caller's, else the static type's.
  public func clockRate(for payloadType: UInt8) -> Int? {
    clockRates[payloadType] ?? RTPPayloadTypeRegistry.clockRate(payloadType)
  }

  /// Counts one UDP datagram: a packet of its stream if it is valid RTP.
  @inline(__always)
  public mutating func add(_ datagram: UDPDatagram) {
    if origin == nil { origin = datagram.timestamp }
    let packet: RTPPacket
    switch RTPPayload(sorting: datagram) {
    case .packet(let valid):
      packet = valid
      if datagram.isTruncated { truncatedPackets += 1 }
    case .invalid:
      invalidRTP += 1
      return
    case .notRTP:
      notRTP += 1
      signalling?.observe(datagram)
      return
    }
    add(
      packet, source: datagram.source, destination: datagram.destination, time: datagram.timestamp)
  }

  /// Counts a valid RTP packet sent from `source` to `destination`, captured at `time`
  /// (nanoseconds since the Unix epoch).
  @inline(__always)
  public mutating func add(
    _ packet: RTPPacket, source: Endpoint, destination: Endpoint, time: Int64
  ) {
    if origin == nil { origin = time }
    // Both ends as capture times: the span between any two of them fits Int64 exactly.
    let relative = CaptureTime(clamping: time) - CaptureTime(clamping: origin ?? time)
    if lastIndex >= 0,
      hotKey.matches(ssrc: packet.ssrc, source: source, destination: destination)
    {
      hot.count(
        packet, time: relative, clockRate: hotRateTable[Int(packet.payloadType & 0x7F)],
        sampleLimit: sampleLimit)
      return
    }
    addToAnotherStream(packet, source: source, destination: destination, time: relative)
  }

  /// ``add(_:source:destination:time:)`` for a packet of another stream than the last one's:
  /// looked up, or a new stream. Kept out of line so that the usual packet does not pay for
  /// the key it does not need.
  @inline(never)
  private mutating func addToAnotherStream(
    _ packet: RTPPacket, source: Endpoint, destination: Endpoint, time relative: Int64
  ) {
    let key = RTPStreamKey(ssrc: packet.ssrc, source: source, destination: destination)
    let type = Int(packet.payloadType & 0x7F)
    if let found = index[key] {
      writeBack()
      lastIndex = found
      swap(&statistics[found], &hot)
      hotKey = key
      hotRateTable = streamRateTables[found] ?? rateTable
      hot.count(packet, time: relative, clockRate: hotRateTable[type], sampleLimit: sampleLimit)
    } else if statistics.count < limit {
      writeBack()
      lastIndex = statistics.count
      index[key] = lastIndex
      statistics.append(RTPStreamStatistics(placeholderFor: key))
      hotKey = key
      var declared = signalled.isEmpty ? [:] : signalled.declarations(forRTPTo: destination)
      if let signalling {
        declared.merge(signalling.declarations(forRTPTo: destination)) { _, observed in observed }
      }
      if declared.isEmpty {
        hotRateTable = rateTable
      } else {
        var table = rateTable
        // The caller's rates (--clock-rate) stay over the signalling's.
        for (payloadType, declaration) in declared
        where declaration.clockRate > 0 && clockRates[payloadType] == nil {
          table[Int(payloadType & 0x7F)] = declaration.clockRate
        }
        streamRateTables[lastIndex] = table
        hotRateTable = table
      }
      hot = RTPStreamStatistics(
        key: key, packet: packet, time: relative, clockRate: hotRateTable[type],
        sampleLimit: sampleLimit)
      hot.signalledNames = declared.mapValues(\.name)
    } else {
      untrackedPackets += 1
    }
  }

  /// Puts the last flow's statistics back in the array, and its placeholder in `hot`.
  private mutating func writeBack() {
    if lastIndex >= 0 { swap(&statistics[lastIndex], &hot) }
  }

  /// Counts every datagram `reader` returns, to the end of the capture.
  ///
  /// On a damaged capture this throws after counting every datagram before the damage; the
  /// analyzer keeps them. `progress`, if given, is called with the records read so far.
  public mutating func read(from reader: DatagramReader, progress: ProgressHandler? = nil)
    throws(CaptureError)
  {
    guard let progress else {
      // A plain loop: the closure form kept `add` out of line, a call per packet.
      while true {
        if let datagram = reader.nextPlain() {
          if origin == nil { origin = reader.firstRecordTime }
          // add(_:) for the usual packet, a bare header of the last packet's flow, written out
          // here: the compiler keeps add(_:) out of line, a call and a copy per packet.
          let bytes = datagram.payload
          if lastIndex >= 0, bytes.count >= 12, bytes[0] == 0x80,
            !RTPPacketKind.isRTCPPacketType(bytes[1])
          {
            let packet = RTPPacket(validated: bytes, headerLength: 12, paddingLength: 0)
            if hotKey.matches(
              ssrc: packet.ssrc, source: datagram.source, destination: datagram.destination)
            {
              let time = datagram.timestamp
              let relative =
                CaptureTime(clamping: time) - CaptureTime(clamping: origin ?? time)
              hot.count(
                packet, time: relative, clockRate: hotRateTable[Int(packet.payloadType & 0x7F)],
                sampleLimit: sampleLimit)
              continue
            }
          }
          add(datagram)
          continue
        }
        guard let datagram = try reader.next() else { return }
        if origin == nil { origin = reader.firstRecordTime }
        add(datagram)
      }
    }
    try reader.forEach(progress: progress) { datagram in
      if origin == nil { origin = reader.firstRecordTime }
      add(datagram)
    }
  }
}
