/// What the toolkit knows of every payload type without signalling, in one place: RFC 3551's
/// static assignments (``RTPStaticPayloadType``), the clock rate each layer uses, and the names
/// Wireshark's RTP analysis prints.
///
/// Every layer that needs a payload type's clock (statistics, play-out, pacing, sessions) asks
/// here, so that they agree; a dynamic type's clock comes from the user (`--clock-rate`) or from
/// signalling, never from this table.
public enum RTPPayloadTypeRegistry {
  /// The clock rate of each payload type 0 to 127, worked out once.
  private static let clockRates: [Int?] = (0...127).map { type in
    if let assigned = RTPStaticPayloadType(UInt8(type)) { return assigned.clockRate }
    // Reserved by RFC 3551 and assigned before it (RFC 1890: 1016, G721 and the old CN), all at
    // 8000 Hz, which is what old captures carry and what tshark's analysis clocks them at.
    return [1, 2, 19].contains(type) ? 8000 : nil
  }

  /// The RTP clock rate of `payloadType` in Hz: the static assignment's (and 8000 for the
  /// reserved 1, 2 and 19), `nil` for dynamic and unassigned types.
  public static func clockRate(_ payloadType: UInt8) -> Int? {
    payloadType < 128 ? clockRates[Int(payloadType)] : nil
  }

  private static let wiresharkStaticNames: [String] = [
    "g711U", "fs-1016", "g721", "GSM", "g723", "DVI4 8k", "DVI4 16k", "Exp. from Xerox PARC",
    "g711A", "g722", "16-bit audio, stereo", "16-bit audio, monaural", "Qualcomm", "CN",
    "MPEG-I/II Audio", "g728", "DVI4 11k", "DVI4 22k", "g729", "CN(old)", "Unassigned",
    "Unassigned", "Unassigned", "Unassigned", "Unassigned", "CellB", "JPEG", "Unassigned", "NV",
    "Unassigned", "Unassigned", "h261", "MPEG-I/II Video", "MPEG-II streams", "h263",
  ]

  /// The short name `tshark -z rtp,streams` prints: `g711U`, `GSM`, `g729`…, `rtpevent` for 101
  /// (tshark's default telephone-event type), `RTPType-N` for other dynamic types.
  public static func wiresharkName(_ payloadType: UInt8) -> String {
    if Int(payloadType) < wiresharkStaticNames.count {
      return wiresharkStaticNames[Int(payloadType)]
    }
    if payloadType == 101 { return "rtpevent" }
    if payloadType >= 96 { return "RTPType-\(payloadType)" }
    return "Unassigned"
  }

  /// The names of `types` (in increasing order) joined as tshark joins them, with ", ".
  public static func wiresharkNames(_ types: [UInt8]) -> String {
    types.map(wiresharkName).joined(separator: ", ")
  }
}
