import RTPBase
import RTPIO

/// Reads rtptools' `rtpdump -F dump` files: the line `#!rtpplay1.0 ADDR/PORT\n`, a 16-byte
/// binary header (start seconds, start microseconds, source IPv4 address, source port, padding),
/// then records of an 8-byte header (length including the header, RTP packet length or 0 for
/// RTCP, milliseconds since the start) and the packet; every number is big-endian.
///
/// Records carry the UDP payload with ``CaptureRecord/rtpdumpEndpoints`` set (source from the
/// binary header, destination from the text line) and the link type ``linkType``.
final class RtpdumpReader: CaptureFormatReader {
  /// The link type given to rtpdump records, whose bytes are a bare UDP payload: a value outside
  /// the 16 bits pcap and pcapng can store, so it never names a real link layer.
  static let linkType = LinkType(rawValue: 0xFFFF_FFFF)
  private static let magic = Array("#!rtpplay1.0 ".utf8)
  private static let maxLineLength = 256

  private let source: InputSource
  private let start: CaptureTime
  private let endpoints: (source: Endpoint, destination: Endpoint)
  // Stored state below is exempt from run-time exclusivity checks: only this type's own
  // methods touch it, on one thread (docs/ARCHITECTURE.md, Performance conventions).
  @exclusivity(unchecked) private var pendingConsume = 0
  @exclusivity(unchecked) private var recordCount = 0

  /// Reads the text line and the binary header.
  init(source: InputSource) throws(CaptureError) {
    self.source = source
    let location = CaptureLocation.fileHeader(format: .rtpdump, offset: source.offset)
    let window = try source.capturePeek(Self.maxLineLength)
    guard let newline = window.firstIndex(of: UInt8(ascii: "\n")) else {
      if window.count < Self.maxLineLength {
        throw .truncated(at: location, got: window.count, expected: window.count + 1)
      }
      throw .malformed(
        at: location, reason: "first line is longer than \(Self.maxLineLength) bytes")
    }
    let line = UnsafeRawBufferPointer(rebasing: window[0..<newline])
    guard line.starts(with: Self.magic) else {
      throw .malformed(at: location, reason: "not an rtpplay1.0 line")
    }
    let text = String(decoding: line[Self.magic.count...], as: UTF8.self)
    guard let slash = text.lastIndex(of: "/"),
      let port = UInt16(text[text.index(after: slash)...]),
      let address = IPAddress(text[..<slash])
    else {
      throw .malformed(at: location, reason: "bad address/port \"\(text.prefix(64))\"")
    }
    let destination = Endpoint(address: address, port: port)
    source.consume(newline + 1)

    let headerLocation = CaptureLocation.fileHeader(format: .rtpdump, offset: source.offset)
    let header = try source.capturePeek(16)
    guard header.count >= 16 else {
      throw .truncated(at: headerLocation, got: header.count, expected: 16)
    }
    let seconds = Int64(header.loadBigEndian(as: UInt32.self, at: 0))
    let microseconds = Int64(header.loadBigEndian(as: UInt32.self, at: 4))
    let sourceEndpoint = Endpoint(
      address: .v4(IPv4Address(rawValue: header.loadBigEndian(as: UInt32.self, at: 8))),
      port: header.loadBigEndian(as: UInt16.self, at: 12))
    // At most 2^32 × 10^9 + 2^32 × 10^3: always a CaptureTime.
    guard let start = CaptureTime(seconds: seconds, nanoseconds: microseconds * 1_000) else {
      throw .timestampOutOfRange(at: headerLocation)
    }
    self.start = start
    endpoints = (sourceEndpoint, destination)
    source.consume(16)
  }

  func next() throws(CaptureError) -> CaptureRecord? {
    if pendingConsume > 0 {
      source.consume(pendingConsume)
      pendingConsume = 0
    }
    let offset = source.offset
    let header = try source.capturePeek(8)
    if header.isEmpty { return nil }
    let index = recordCount + 1
    let location = CaptureLocation.record(index: index, offset: offset)
    guard header.count >= 8 else {
      throw .truncated(at: location, got: header.count, expected: 8)
    }
    let length = Int(header.loadBigEndian(as: UInt16.self, at: 0))
    let packetLength = Int(header.loadBigEndian(as: UInt16.self, at: 2))
    let milliseconds = Int64(header.loadBigEndian(as: UInt32.self, at: 4))
    guard length >= 8 else {
      throw .malformed(
        at: location, reason: "record length \(length) is shorter than its 8-byte header")
    }
    let record = try source.capturePeek(length)
    guard record.count >= length else {
      throw .truncated(at: location, got: record.count, expected: length)
    }
    // The start is below 2^32 s and the offset below 2^32 ms: always a CaptureTime.
    guard let time = start.advanced(by: milliseconds * 1_000_000) else {
      throw .timestampOutOfRange(at: location)
    }
    recordCount = index
    pendingConsume = length
    return CaptureRecord(
      index: index, offset: offset, timestamp: time.nanoseconds,
      linkType: Self.linkType, originalLength: max(packetLength, length - 8),
      bytes: UnsafeRawBufferPointer(rebasing: record[8..<length]),
      rtpdumpEndpoints: endpoints)
  }
}
