import RTPBase
import RTPIO

/// Writes UDP datagrams to an ``/RTPIO/OutputSink`` as a pcap, pcapng or rtpdump capture.
///
/// pcap and pcapng records are whole Ethernet frames: Ethernet II, IPv4 (with a correct header
/// checksum and an identification that counts up) or IPv6, and UDP with a correct checksum, so
/// that Wireshark and tshark decode them as if captured on a wire. The headers for each pair of
/// endpoints are built once and reused, so writing a packet costs one copy of its payload (none
/// with ``writePacket(timestamp:source:destination:payloadLength:fill:)``) and the checksums.
///
/// The pcap and pcapng file headers are written when the writer is created, so a capture with no
/// packets is still a valid file once ``finish()`` has flushed it. An rtpdump header names the
/// first datagram's endpoints and time, so it is written with the first datagram, or by
/// ``finish()`` (as `0.0.0.0/0` at the epoch) when there was none.
///
/// Timestamps are nanoseconds since the Unix epoch. A datagram whose time the format cannot
/// hold is refused, never clamped: it is not written, ``outOfRangeSkipped`` counts it and
/// ``outOfRangeDescription`` says it in one line for the tool to print (and exit 65). pcap holds
/// 1970 to 2106-02-07 (unsigned 32-bit seconds); rtpdump a start in that range and offsets up to
/// 49.7 days after it (a reordered packet from before the start is written at offset 0); pcapng
/// every ``/RTPBase/CaptureTime`` (1823 to 2116), times before 1970 on a second interface whose
/// `if_tsoffset` is `PcapngFileFormat.earlyOffsetSeconds`, described before its first packet.
/// Times outside ``/RTPBase/CaptureTime/range`` are refused in every format, since no reader here could
/// read them back.
///
/// A writer is not thread-safe; use it from one task at a time.
public final class CaptureWriter {
  /// The file format being written.
  public let format: CaptureFormat
  /// The timestamp resolution of pcap and pcapng output; rtpdump ignores it.
  public let precision: TimestampPrecision
  // Stored state below is exempt from run-time exclusivity checks: only this type's own
  // methods touch it, on one thread (docs/ARCHITECTURE.md, Performance conventions).
  /// Datagrams written so far.
  @exclusivity(unchecked) public private(set) var packetsWritten = 0
  /// Datagrams that ``write(_:)`` skipped because their payload was longer than the format and
  /// address family can describe (see ``maximumPayloadLength(source:destination:format:)``).
  @exclusivity(unchecked) public private(set) var oversizedSkipped = 0
  /// Datagrams not written because the format cannot hold their time.
  @exclusivity(unchecked) public private(set) var outOfRangeSkipped = 0
  /// The time of the first datagram counted in ``outOfRangeSkipped``.
  @exclusivity(unchecked) public private(set) var firstOutOfRange: Int64?

  private let sink: OutputSink
  @exclusivity(unchecked) private var identification: UInt16 = 0
  /// Headers built so far, one per endpoint pair, and where each pair's are.
  @exclusivity(unchecked) private var templates: [FrameTemplate]
  @exclusivity(unchecked) private var templateIndex: [TemplateKey: Int] = [:]
  /// The index in `templates` of the headers last used.
  @exclusivity(unchecked) private var current = 0
  /// The rtpdump recording's start in nanoseconds, once its header is written.
  @exclusivity(unchecked) private var rtpdumpStart: Int64?
  /// Whether the pcapng interface for times before the epoch has been described.
  @exclusivity(unchecked) private var earlyInterfaceWritten = false

  /// How many distinct endpoint pairs keep their headers cached; past this the cache restarts.
  private static let templateCacheLimit = 4096
  /// The index in `templates` of each pair numbered by the caller of
  /// ``write(_:timestamp:pair:endpoints:)``, or -1 before its first packet.
  private let templateOfPair: UnsafeMutablePointer<Int32>
  /// How many pair numbers ``write(_:timestamp:pair:endpoints:)`` remembers; higher numbers
  /// take the path that compares endpoints.
  static let numberedPairLimit = 256

  /// Creates a writer that appends a capture in `format` to `sink`, writing the pcap or pcapng
  /// file header at once.
  ///
  /// - Parameters:
  ///   - sink: Where the bytes go; the writer only appends, and ``finish()`` flushes it.
  ///   - format: The capture format.
  ///   - precision: Timestamp resolution for pcap (magic `a1b2c3d4` or `a1b23c4d`) and pcapng
  ///     (`if_tsresol` 6 or 9).
  public init(
    sink: OutputSink, format: CaptureFormat, precision: TimestampPrecision = .microseconds
  ) throws(IOError) {
    self.sink = sink
    self.format = format
    self.precision = precision
    templateOfPair = .allocate(capacity: Self.numberedPairLimit)
    templateOfPair.initialize(repeating: -1, count: Self.numberedPairLimit)
    let unspecified = Endpoint(address: .v4(.any), port: 0)
    templates = [FrameTemplate(source: unspecified, destination: unspecified)]
    templateIndex[TemplateKey(source: unspecified, destination: unspecified)] = 0
    switch format {
    case .pcap:
      try PcapFileFormat.writeFileHeader(to: sink, precision: precision)
    case .pcapng:
      try PcapngFileFormat.writeFileHeader(to: sink, precision: precision)
    case .rtpdump:
      break
    }
  }

  deinit {
    templateOfPair.deallocate()
  }

  /// The longest UDP payload a datagram from `source` to `destination` can have in `format`:
  /// 65507 bytes over IPv4 and 65527 over IPv6 (the IP length fields' limits), 65527 in rtpdump
  /// (its 16-bit record length).
  public static func maximumPayloadLength(
    source: Endpoint, destination: Endpoint, format: CaptureFormat
  ) -> Int {
    switch format {
    case .rtpdump:
      return RtpdumpFileFormat.maximumPayloadLength
    case .pcap, .pcapng:
      if case .v4 = source.address, case .v4 = destination.address {
        return FrameTemplate.maximumIPv4PayloadLength
      }
      return FrameTemplate.maximumIPv6PayloadLength
    }
  }

  /// Appends `datagram`, copying its payload.
  ///
  /// A datagram whose payload is longer than ``maximumPayloadLength(source:destination:format:)``
  /// cannot be described by the headers of the format: it is skipped, counted in
  /// ``oversizedSkipped``, and the result is `false`. Datagrams read from a capture can be that
  /// long (a 65520-byte IPv4 payload from an rtpdump file), so this is data, not a programming
  /// error. So is a time the format cannot hold: the datagram is skipped and counted in
  /// ``outOfRangeSkipped``.
  ///
  /// - Returns: Whether the datagram was written.
  @discardableResult
  public func write(_ datagram: UDPDatagram) throws(IOError) -> Bool {
    let payload = datagram.payload
    let limit = Self.maximumPayloadLength(
      source: datagram.source, destination: datagram.destination, format: format)
    guard payload.count <= limit else {
      oversizedSkipped += 1
      return false
    }
    if format != .rtpdump {
      guard holds(datagram.timestamp) else {
        skipOutOfRange(datagram.timestamp)
        return false
      }
      useTemplate(source: datagram.source, destination: datagram.destination)
      try writeFrame(timestamp: datagram.timestamp, copying: payload)
      return true
    }
    return try writePacket(
      timestamp: datagram.timestamp, source: datagram.source, destination: datagram.destination,
      payloadLength: payload.count
    ) { space in
      if let start = payload.baseAddress {
        space.baseAddress!.copyMemory(from: start, byteCount: payload.count)
      }
    }
  }

  /// Appends a datagram whose payload the caller writes in place, in the sink's buffer: the
  /// generator's path, with no copy of the packet.
  ///
  /// The writer reserves the whole record, calls `fill` with exactly `payloadLength` bytes to
  /// write the UDP payload (an RTP packet) into, and then completes the record headers, the IP
  /// and UDP lengths and the checksums around it.
  ///
  /// - Parameters:
  ///   - timestamp: Nanoseconds since the Unix epoch.
  ///   - source: The sending endpoint.
  ///   - destination: The receiving endpoint; if the address families differ, the IPv4 one is
  ///     written as an IPv4-mapped IPv6 address.
  ///   - payloadLength: The UDP payload's length. Exceeding
  ///     ``maximumPayloadLength(source:destination:format:)`` is a programming error and stops
  ///     the process: callers choose this length and must bound it.
  ///   - fill: Writes the payload; it must initialise every byte and must not use this writer or
  ///     its sink. It is not called for a datagram whose time the format cannot hold.
  /// - Returns: Whether the datagram was written: `false` when the format cannot hold
  ///   `timestamp`, counted in ``outOfRangeSkipped``.
  @discardableResult
  public func writePacket(
    timestamp: Int64, source: Endpoint, destination: Endpoint, payloadLength: Int,
    fill: (UnsafeMutableRawBufferPointer) -> Void
  ) throws(IOError) -> Bool {
    precondition(
      payloadLength >= 0
        && payloadLength
          <= Self.maximumPayloadLength(source: source, destination: destination, format: format),
      "UDP payload length \(payloadLength) does not fit the capture's headers")
    guard holds(timestamp) else {
      skipOutOfRange(timestamp)
      return false
    }
    switch format {
    case .pcap:
      useTemplate(source: source, destination: destination)
      let frameLength = template.headerLength + payloadLength
      let recordLength = PcapFileFormat.recordHeaderLength + frameLength
      let record = try sink.reserve(recordLength).baseAddress!
      PcapFileFormat.storeRecordHeader(
        at: record, timestamp: timestamp, precision: precision, length: frameLength)
      fillFrame(at: record + PcapFileFormat.recordHeaderLength, payloadLength, fill)
      sink.commit(recordLength)
    case .pcapng:
      if timestamp < 0 && !earlyInterfaceWritten {
        try PcapngFileFormat.writeInterfaceDescription(
          to: sink, precision: precision, offsetSeconds: PcapngFileFormat.earlyOffsetSeconds)
        earlyInterfaceWritten = true
      }
      useTemplate(source: source, destination: destination)
      let frameLength = template.headerLength + payloadLength
      let blockLength = PcapngFileFormat.enhancedPacketLength(dataLength: frameLength)
      let block = try sink.reserve(blockLength).baseAddress!
      PcapngFileFormat.storeEnhancedPacket(
        at: block, timestamp: timestamp, precision: precision, length: frameLength)
      fillFrame(at: block + PcapngFileFormat.enhancedPacketHeaderLength, payloadLength, fill)
      sink.commit(blockLength)
    case .rtpdump:
      let start: Int64
      if let rtpdumpStart {
        start = rtpdumpStart
      } else {
        start = RtpdumpFileFormat.start(for: timestamp)
        try RtpdumpFileFormat.writeFileHeader(
          to: sink, source: source, destination: destination, start: start)
        rtpdumpStart = start
      }
      let recordLength = RtpdumpFileFormat.recordHeaderLength + payloadLength
      let record = try sink.reserve(recordLength).baseAddress!
      let payload = UnsafeMutableRawBufferPointer(
        start: record + RtpdumpFileFormat.recordHeaderLength, count: payloadLength)
      fill(payload)
      RtpdumpFileFormat.storeRecordHeader(
        at: record, payload: UnsafeRawBufferPointer(payload), timestamp: timestamp, start: start)
      sink.commit(recordLength)
    }
    packetsWritten += 1
    return true
  }

  /// Appends a datagram of the endpoint pair numbered `pair` by the caller (at most one pair
  /// per number, for as long as ``forgetPairs()`` is not called), whose endpoints are at
  /// `endpoints`: ``write(_:)`` without comparing endpoints per packet, for the play-out
  /// pipeline, which numbers the pairs of its stream.
  ///
  /// - Returns: Whether the datagram was written, as ``write(_:)`` says.
  @discardableResult
  package func write(
    _ payload: UnsafeRawBufferPointer, timestamp: Int64, pair: Int,
    endpoints: UnsafePointer<(source: Endpoint, destination: Endpoint)>
  ) throws(IOError) -> Bool {
    guard format != .rtpdump, pair >= 0, pair < Self.numberedPairLimit else {
      return try write(
        UDPDatagram(
          timestamp: timestamp, source: endpoints.pointee.source,
          destination: endpoints.pointee.destination, payload: payload))
    }
    let known = templateOfPair[pair]
    if known >= 0 {
      current = Int(known)
    } else {
      useTemplate(source: endpoints.pointee.source, destination: endpoints.pointee.destination)
      templateOfPair[pair] = Int32(current)
    }
    // The template's bound is maximumPayloadLength(source:destination:format:)'s for its pair.
    guard payload.count <= template.maximumPayloadLength else {
      oversizedSkipped += 1
      return false
    }
    guard holds(timestamp) else {
      skipOutOfRange(timestamp)
      return false
    }
    try writeFrame(timestamp: timestamp, copying: payload)
    return true
  }

  /// Forgets the pair numbers given to ``write(_:timestamp:pair:endpoints:)``, before a caller
  /// numbers pairs anew.
  package func forgetPairs() {
    templateOfPair.update(repeating: -1, count: Self.numberedPairLimit)
  }

  /// Writes a pcap record or pcapng block for `payload` with the current template's headers,
  /// copying the payload and summing it for the UDP checksum in one pass.
  @inline(__always)
  private func writeFrame(timestamp: Int64, copying payload: UnsafeRawBufferPointer)
    throws(IOError)
  {
    let frameLength = template.headerLength + payload.count
    let frame: UnsafeMutableRawPointer
    let length: Int
    if format == .pcap {
      length = PcapFileFormat.recordHeaderLength + frameLength
      let record = try sink.reserveBytes(length)
      PcapFileFormat.storeRecordHeader(
        at: record, timestamp: timestamp, precision: precision, length: frameLength)
      frame = record + PcapFileFormat.recordHeaderLength
    } else {
      if timestamp < 0 && !earlyInterfaceWritten {
        try PcapngFileFormat.writeInterfaceDescription(
          to: sink, precision: precision, offsetSeconds: PcapngFileFormat.earlyOffsetSeconds)
        earlyInterfaceWritten = true
      }
      length = PcapngFileFormat.enhancedPacketLength(dataLength: frameLength)
      let block = try sink.reserveBytes(length)
      PcapngFileFormat.storeEnhancedPacket(
        at: block, timestamp: timestamp, precision: precision, length: frameLength)
      frame = block + PcapngFileFormat.enhancedPacketHeaderLength
    }
    template.complete(frame: frame, copying: payload, identification: identification)
    identification &+= 1
    sink.commit(length)
    packetsWritten += 1
  }

  /// Counts a datagram not written because the format cannot hold `timestamp`.
  private func skipOutOfRange(_ timestamp: Int64) {
    if firstOutOfRange == nil { firstOutOfRange = timestamp }
    outOfRangeSkipped += 1
  }

  /// Whether the format can hold `timestamp` (see the type's discussion).
  @inline(__always)
  private func holds(_ timestamp: Int64) -> Bool {
    guard CaptureTime.range.contains(timestamp) else { return false }
    switch format {
    case .pcap:
      return PcapFileFormat.holds(timestamp)
    case .pcapng:
      return true
    case .rtpdump:
      // Both are capture times: the difference fits Int64.
      if let rtpdumpStart { return timestamp - rtpdumpStart <= RtpdumpFileFormat.maximumOffset }
      return PcapFileFormat.holds(timestamp)
    }
  }

  /// One line on the datagrams ``outOfRangeSkipped`` counts, such as `2 packets not written:
  /// pcap cannot hold their times (the first -1.000000000 s from the epoch; it holds 0 to
  /// 4294967295.999999999 s); pcapng can`; `nil` when there were none.
  public var outOfRangeDescription: String? {
    guard let first = firstOutOfRange else { return nil }
    let time = CaptureTime(nanoseconds: first)
    let when = time.map { "\($0) s from the epoch" } ?? "\(first) ns from the epoch"
    let holds: String
    switch format {
    case .pcap:
      holds = "it holds 0 to \(CaptureTime(nanoseconds: PcapFileFormat.latest)!) s"
    case .rtpdump:
      holds =
        "it holds a start from 0 to \(CaptureTime(nanoseconds: PcapFileFormat.latest)!) s and "
        + "offsets up to 49.7 days"
    case .pcapng:
      holds = "it holds \(CaptureTime.earliest) to \(CaptureTime.latest) s"
    }
    let hint = format != .pcapng && time != nil ? "; pcapng can" : ""
    return "\(outOfRangeSkipped) packets not written: \(format) cannot hold their times "
      + "(the first \(when); \(holds))\(hint)"
  }

  /// Bytes of the capture handed to the operating system so far (from the sink's start).
  public var bytesFlushed: UInt64 { sink.bytesWritten }

  /// Bytes of the capture appended so far, flushed or still buffered: where the last record
  /// written ends.
  public var bytesAppended: UInt64 { sink.bytesWritten + UInt64(sink.bufferedByteCount) }

  /// Writes what is buffered to the sink's descriptor, so that a reader sees every datagram
  /// written so far; the capture stays open for more.
  public func flush() throws(IOError) {
    try sink.flush()
  }

  /// Completes the capture: writes an rtpdump header if no datagram did, and flushes the sink.
  ///
  /// The writer stays usable; later datagrams are appended to the same capture.
  public func finish() throws(IOError) {
    if format == .rtpdump && rtpdumpStart == nil {
      let unspecified = Endpoint(address: .v4(.any), port: 0)
      try RtpdumpFileFormat.writeFileHeader(
        to: sink, source: unspecified, destination: unspecified, start: 0)
      rtpdumpStart = 0
    }
    try sink.flush()
  }

  /// Lets `fill` write the payload behind the frame headers at `frame`, then completes them.
  @inline(__always)
  private func fillFrame(
    at frame: UnsafeMutableRawPointer, _ payloadLength: Int,
    _ fill: (UnsafeMutableRawBufferPointer) -> Void
  ) {
    fill(
      UnsafeMutableRawBufferPointer(start: frame + template.headerLength, count: payloadLength))
    template.complete(frame: frame, payloadLength: payloadLength, identification: identification)
    identification &+= 1
  }

  /// The headers last chosen by ``useTemplate(source:destination:)``.
  private var template: FrameTemplate {
    @inline(__always) _read { yield templates[current] }
  }

  /// Chooses the headers for `source` → `destination`: the same as last time, the next ones
  /// built (streams written in turn), or from the index; built anew only for a new pair.
  @inline(__always)
  private func useTemplate(source: Endpoint, destination: Endpoint) {
    if templates[current].matches(source: source, destination: destination) { return }
    let next = current + 1 == templates.count ? 0 : current + 1
    if templates[next].matches(source: source, destination: destination) {
      current = next
      return
    }
    findTemplate(source: source, destination: destination)
  }

  private func findTemplate(source: Endpoint, destination: Endpoint) {
    let key = TemplateKey(source: source, destination: destination)
    if let index = templateIndex[key] {
      current = index
      return
    }
    if templates.count >= Self.templateCacheLimit {
      templates.removeAll(keepingCapacity: true)
      templateIndex.removeAll(keepingCapacity: true)
      // Numbered pairs point at templates by index: find them again.
      forgetPairs()
    }
    templateIndex[key] = templates.count
    current = templates.count
    templates.append(FrameTemplate(source: source, destination: destination))
  }

  /// A pair of endpoints, the key of the header cache.
  private struct TemplateKey: Hashable {
    var source: Endpoint
    var destination: Endpoint
  }
}
