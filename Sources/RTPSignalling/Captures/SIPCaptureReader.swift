import RTPCaptures
import RTPIO

/// Reads the SIP messages of a capture: over UDP one datagram is one message (fragments
/// reassembled by the ``/RTPCaptures/DatagramDecoder``), over TCP the segments go through a
/// ``TCPStreamReassembler``.
///
/// A datagram is taken for SIP when either port is 5060 or 5061, or its payload starts with a
/// SIP start line. Malformed messages are counted, never fatal.
public final class SIPCaptureReader {
  /// The decoder of UDP datagrams and TCP segments.
  public let decoder: DatagramDecoder
  /// The reassembler of TCP streams.
  public let reassembler: TCPStreamReassembler
  /// SIP messages read from UDP datagrams.
  public private(set) var udpMessages = 0
  /// UDP datagrams taken for SIP that were not a readable message (keep-alives excepted).
  public private(set) var malformedUDPMessages = 0

  /// A reader with the given decoder and reassembler.
  public init(
    decoder: DatagramDecoder = DatagramDecoder(),
    reassembler: TCPStreamReassembler = TCPStreamReassembler()
  ) {
    self.decoder = decoder
    self.reassembler = reassembler
  }

  /// SIP messages read from TCP streams.
  public var tcpMessages: Int { reassembler.messagesRead }

  /// Every message that could not be read: over UDP and over TCP.
  public var malformedMessages: Int { malformedUDPMessages + reassembler.malformedMessages }

  /// The SIP messages that `record` completes (none, one, or over TCP several).
  public func add(_ record: CaptureRecord) -> [CapturedSIPMessage] {
    switch decoder.decode(record) {
    case .datagram(let datagram):
      return add(datagram).map { [$0] } ?? []
    case .skipped(.notUDP):
      guard let segment = decoder.tcpSegment(record) else { return [] }
      return reassembler.add(segment)
    case .skipped, .held:
      return []
    }
  }

  /// The SIP messages that `record`, one that held no UDP datagram, completes over TCP: for a
  /// reader of a capture's datagrams that hands this reader the records it skipped.
  public func add(skipped record: CaptureRecord) -> [CapturedSIPMessage] {
    guard let segment = decoder.tcpSegment(record) else { return [] }
    return reassembler.add(segment)
  }

  /// The SIP message of one UDP datagram, `nil` when it is not SIP or not readable.
  public func add(_ datagram: UDPDatagram) -> CapturedSIPMessage? {
    guard
      Self.isSIPPort(datagram.source.port) || Self.isSIPPort(datagram.destination.port)
        || SIPStartLine.begins(datagram.payload)
    else { return nil }
    do {
      let message = try SIPMessage(parsing: datagram.payload)
      udpMessages += 1
      return CapturedSIPMessage(
        message: message, timestamp: datagram.timestamp, source: datagram.source,
        destination: datagram.destination, transport: .udp)
    } catch {
      if error != .empty { malformedUDPMessages += 1 }
      return nil
    }
  }

  /// Whether `port` is SIP's (5060, or 5061 for TLS), checked for every datagram of a capture.
  @inline(__always)
  private static func isSIPPort(_ port: UInt16) -> Bool { port == 5060 || port == 5061 }

  /// The messages still held in TCP streams with gaps, once the capture has ended.
  public func finish() -> [CapturedSIPMessage] {
    reassembler.finish()
  }

  /// Every SIP message of the capture `source` holds, in the order of their capture times, and
  /// the reader with its counts.
  ///
  /// - Throws: a ``/RTPCaptures/CaptureError`` for a capture that cannot be read; the messages
  ///   before a damaged record are not returned then.
  public static func messages(in source: InputSource) throws(CaptureError) -> (
    messages: [CapturedSIPMessage], reader: SIPCaptureReader
  ) {
    let captureReader = try CaptureReader(source: source)
    let reader = SIPCaptureReader()
    var messages: [CapturedSIPMessage] = []
    while let record = try captureReader.next() {
      messages += reader.add(record)
    }
    messages += reader.finish()
    // Messages completed only at the end (past a gap) keep their own, earlier, times.
    messages.sort { $0.timestamp < $1.timestamp }
    return (messages, reader)
  }
}
