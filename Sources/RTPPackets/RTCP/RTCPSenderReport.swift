import RTPBase

/// A sender report, SR (packet type 200, RFC 3550 section 6.4.1).
public struct RTCPSenderReport: Hashable, Sendable {
  /// The RTCP packet type of SR packets.
  public static let packetType: UInt8 = 200

  /// The sender's SSRC.
  public var ssrc: UInt32
  /// Wallclock time when the report was sent.
  public var ntpTimestamp: NTPTimestamp
  /// The same instant in the units and offset of the RTP timestamps of the sender's packets.
  public var rtpTimestamp: UInt32
  /// RTP data packets sent since the start of transmission.
  public var packetCount: UInt32
  /// Payload octets sent since the start of transmission.
  public var octetCount: UInt32
  /// Reception reports on the sources this sender hears (at most 31).
  public var reports: [RTCPReportBlock]
  /// Profile-specific extension after the blocks, a whole number of 32-bit words.
  public var profileExtension: [UInt8]

  /// A sender report from `ssrc` with its sender information, up to 31 report blocks and an
  /// optional profile extension.
  public init(
    ssrc: UInt32, ntpTimestamp: NTPTimestamp, rtpTimestamp: UInt32, packetCount: UInt32,
    octetCount: UInt32, reports: [RTCPReportBlock] = [], profileExtension: [UInt8] = []
  ) {
    self.ssrc = ssrc
    self.ntpTimestamp = ntpTimestamp
    self.rtpTimestamp = rtpTimestamp
    self.packetCount = packetCount
    self.octetCount = octetCount
    self.reports = reports
    self.profileExtension = profileExtension
  }

  /// The packet's length on the wire.
  public var serializedLength: Int {
    RTCPWire.headerLength + 24 + reports.count * RTCPReportBlock.length + profileExtension.count
  }

  /// Writes the packet at the start of `buffer`; returns its length.
  public func serialize(into buffer: UnsafeMutableRawBufferPointer) throws(RTCPSerializationError)
    -> Int
  {
    try serialize(into: buffer, at: 0)
  }

  func serialize(into buffer: UnsafeMutableRawBufferPointer, at offset: Int)
    throws(RTCPSerializationError) -> Int
  {
    guard profileExtension.count % 4 == 0 else { throw .notWordAligned(profileExtension.count) }
    let length = try RTCPWire.check(
      length: serializedLength, count: reports.count, buffer: buffer, at: offset)
    RTCPWire.writeHeader(
      into: buffer, at: offset, count: reports.count, packetType: Self.packetType,
      length: length)
    buffer.storeBigEndian(ssrc, at: offset + 4)
    buffer.storeBigEndian(ntpTimestamp.rawValue, at: offset + 8)
    buffer.storeBigEndian(rtpTimestamp, at: offset + 16)
    buffer.storeBigEndian(packetCount, at: offset + 20)
    buffer.storeBigEndian(octetCount, at: offset + 24)
    try RTCPWire.writeReports(
      reports, profileExtension: profileExtension, into: buffer, at: offset + 28)
    return length
  }

  /// An SR read in place, copied.
  init(_ view: RTCPPacketView) {
    self.init(
      ssrc: view.ssrc, ntpTimestamp: view.ntpTimestamp, rtpTimestamp: view.rtpTimestamp,
      packetCount: view.packetCount, octetCount: view.octetCount,
      reports: Array(view.reportBlocks), profileExtension: Array(view.profileExtension))
  }
}
