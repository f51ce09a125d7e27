/// Bounds that keep a reader's memory flat whatever a capture's length fields claim.
enum CaptureLimits {
  /// The most captured bytes accepted in one packet (Wireshark's limit for most link types).
  static let maxPacketLength: UInt32 = 262_144

  /// The largest pcapng block accepted (larger ones are treated as corrupt).
  static let maxBlockLength: UInt32 = 16 << 20

  /// The most interfaces one pcapng section may describe.
  static let maxInterfaces = 65_536

  /// The snapshot length to enforce for a declared one: 0 and values above
  /// ``maxPacketLength`` mean ``maxPacketLength``.
  static func effectiveSnaplen(_ declared: UInt32) -> UInt32 {
    declared == 0 || declared > maxPacketLength ? maxPacketLength : declared
  }
}
