/// Payload type names as `tshark -z rtp,streams` prints them, and the clock rates its RTP
/// analysis knows.
public enum RTPPayloadTypeName {
  private static let staticNames: [String] = [
    "g711U", "fs-1016", "g721", "GSM", "g723", "DVI4 8k", "DVI4 16k", "Exp. from Xerox PARC",
    "g711A", "g722", "16-bit audio, stereo", "16-bit audio, monaural", "Qualcomm", "CN",
    "MPEG-I/II Audio", "g728", "DVI4 11k", "DVI4 22k", "g729", "CN(old)", "Unassigned",
    "Unassigned", "Unassigned", "Unassigned", "Unassigned", "CellB", "JPEG", "Unassigned", "NV",
    "Unassigned", "Unassigned", "h261", "MPEG-I/II Video", "MPEG-II streams", "h263",
  ]

  /// tshark's short name: `g711U`, `GSM`, `g729`…, `rtpevent` for 101 (tshark's default
  /// telephone-event type), `RTPType-N` for other dynamic types.
  public static func name(_ payloadType: UInt8) -> String {
    if Int(payloadType) < staticNames.count { return staticNames[Int(payloadType)] }
    if payloadType == 101 { return "rtpevent" }
    if payloadType >= 96 { return "RTPType-\(payloadType)" }
    return "Unassigned"
  }

  /// The names of `types` (in increasing order) joined as tshark joins them, with ", ".
  public static func names(_ types: [UInt8]) -> String {
    types.map(name).joined(separator: ", ")
  }

  /// The clock rate tshark's analysis uses for a payload type without signalling: the static
  /// types' (RFC 3551), `nil` for dynamic ones.
  public static func clockRate(_ payloadType: UInt8) -> Int? {
    switch payloadType {
    case 1, 2, 19: return 8000
    default: return PayloadEncoding.staticClockRate(payloadType: payloadType)
    }
  }
}
