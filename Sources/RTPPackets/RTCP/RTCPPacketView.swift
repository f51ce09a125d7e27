import RTPBase

/// One packet of an ``RTCPCompoundView``, read in place: its header, and the contents of the
/// types RTPCore decodes through the accessors of their type (each checks the packet type).
///
/// Switch on ``packetType`` against ``RTCPSenderReport/packetType`` and the others.
public struct RTCPPacketView {
  /// Where an SR's report blocks start: header, SSRC and the 20-byte sender info.
  static let senderReportBlocksOffset = 28
  /// Where an RR's report blocks start: header and SSRC.
  static let receiverReportBlocksOffset = 8

  /// The packet: header and contents, its padding removed.
  public let bytes: UnsafeRawBufferPointer
  /// Where the packet starts in the datagram.
  public let offset: Int

  init(validated bytes: UnsafeRawBufferPointer, offset: Int) {
    self.bytes = bytes
    self.offset = offset
  }

  /// The packet type (second octet).
  public var packetType: UInt8 { bytes[1] }
  /// The 5-bit count field: report blocks, SDES chunks or BYE sources; an APP's subtype.
  public var count: Int { Int(bytes[0] & 0x1F) }
  /// Everything after the 4-byte header, padding removed.
  public var body: UnsafeRawBufferPointer {
    UnsafeRawBufferPointer(rebasing: bytes[RTCPWire.headerLength...])
  }

  private func require(_ type: UInt8, _ what: @autoclosure () -> String) {
    precondition(packetType == type, what())
  }

  private var isReport: Bool {
    packetType == RTCPSenderReport.packetType || packetType == RTCPReceiverReport.packetType
  }

  // MARK: SR, RR and APP

  /// The sender's SSRC of an SR, RR or APP.
  public var ssrc: UInt32 {
    precondition(
      isReport || packetType == RTCPApplicationDefined.packetType, "an SR, RR or APP has an SSRC")
    return bytes.loadBigEndian(at: 4)
  }

  // MARK: SR

  /// An SR's wallclock time.
  public var ntpTimestamp: NTPTimestamp {
    require(RTCPSenderReport.packetType, "only an SR has sender info")
    return NTPTimestamp(rawValue: bytes.loadBigEndian(at: 8))
  }
  /// An SR's RTP timestamp of the same instant.
  public var rtpTimestamp: UInt32 {
    require(RTCPSenderReport.packetType, "only an SR has sender info")
    return bytes.loadBigEndian(at: 16)
  }
  /// An SR's count of RTP packets sent.
  public var packetCount: UInt32 {
    require(RTCPSenderReport.packetType, "only an SR has sender info")
    return bytes.loadBigEndian(at: 20)
  }
  /// An SR's count of payload octets sent.
  public var octetCount: UInt32 {
    require(RTCPSenderReport.packetType, "only an SR has sender info")
    return bytes.loadBigEndian(at: 24)
  }

  // MARK: SR and RR

  private var blocksOffset: Int {
    precondition(isReport, "only an SR or RR has report blocks")
    return packetType == RTCPSenderReport.packetType
      ? Self.senderReportBlocksOffset : Self.receiverReportBlocksOffset
  }

  /// An SR's or RR's report blocks, decoded on access.
  public var reportBlocks: RTCPReportBlockList {
    let start = blocksOffset
    return RTCPReportBlockList(
      bytes: UnsafeRawBufferPointer(
        rebasing: bytes[start..<start + count * RTCPReportBlock.length]))
  }

  /// What follows an SR's or RR's report blocks: a profile-specific extension.
  public var profileExtension: UnsafeRawBufferPointer {
    UnsafeRawBufferPointer(rebasing: bytes[(blocksOffset + count * RTCPReportBlock.length)...])
  }

  // MARK: SDES

  /// An SDES packet's chunks, one per source described.
  public var sourceDescriptionChunks: RTCPSourceDescriptionChunkList {
    require(RTCPSourceDescription.packetType, "only an SDES has chunks")
    return RTCPSourceDescriptionChunkList(bytes: body, count: count)
  }

  // MARK: BYE

  /// A BYE's sources.
  public var goodbyeSources: RTCPSourceList {
    require(RTCPGoodbye.packetType, "only a BYE has a source list")
    return RTCPSourceList(
      bytes: UnsafeRawBufferPointer(
        rebasing: bytes[RTCPWire.headerLength..<RTCPWire.headerLength + 4 * count]))
  }

  /// A BYE's reason, `nil` for none.
  public var goodbyeReason: UnsafeRawBufferPointer? {
    require(RTCPGoodbye.packetType, "only a BYE has a reason")
    let start = RTCPWire.headerLength + 4 * count
    guard start < bytes.count else { return nil }
    let length = Int(bytes[start])
    return UnsafeRawBufferPointer(rebasing: bytes[start + 1..<start + 1 + length])
  }

  // MARK: APP

  /// An APP packet's four-byte name.
  public var applicationName: UnsafeRawBufferPointer {
    require(RTCPApplicationDefined.packetType, "only an APP has a name")
    return UnsafeRawBufferPointer(rebasing: bytes[8..<12])
  }

  /// An APP packet's data.
  public var applicationData: UnsafeRawBufferPointer {
    require(RTCPApplicationDefined.packetType, "only an APP has data")
    return UnsafeRawBufferPointer(rebasing: bytes[12...])
  }
}
