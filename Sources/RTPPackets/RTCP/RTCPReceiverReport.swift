import RTPBase

/// A receiver report, RR (packet type 201, RFC 3550 section 6.4.2).
public struct RTCPReceiverReport: Hashable, Sendable {
  /// The RTCP packet type of RR packets.
  public static let packetType: UInt8 = 201

  /// The reporter's SSRC.
  public var ssrc: UInt32
  /// Reception reports on the sources the reporter hears (at most 31; none is valid).
  public var reports: [RTCPReportBlock]
  /// Profile-specific extension after the blocks, a whole number of 32-bit words.
  public var profileExtension: [UInt8]

  /// A receiver report from `ssrc` with up to 31 report blocks and an optional profile extension.
  public init(ssrc: UInt32, reports: [RTCPReportBlock] = [], profileExtension: [UInt8] = []) {
    self.ssrc = ssrc
    self.reports = reports
    self.profileExtension = profileExtension
  }

  /// The packet's length on the wire.
  public var serializedLength: Int {
    RTCPWire.headerLength + 4 + reports.count * RTCPReportBlock.length + profileExtension.count
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
    try RTCPWire.writeReports(
      reports, profileExtension: profileExtension, into: buffer, at: offset + 8)
    return length
  }

  /// An RR read in place, copied.
  init(_ view: RTCPPacketView) {
    self.init(
      ssrc: view.ssrc, reports: Array(view.reportBlocks),
      profileExtension: Array(view.profileExtension))
  }
}
