/// One RFC 4733 event report: the four bytes a `telephone-event` payload carries.
public struct TelephoneEvent: Sendable, Hashable {
  /// The event code: 0-9 the digits, 10 `*`, 11 `#`, 12-15 `A`-`D`, 16 flash (RFC 4733 §3.2).
  public let code: UInt8
  /// Whether this report ends the event (the E bit).
  public let isEnd: Bool
  /// The power level in -dBm0, 0 to 63, for DTMF.
  public let volume: UInt8
  /// The event's duration so far, in RTP timestamp units from the packet's timestamp.
  public let duration: UInt16

  /// The first report in `payload`, `nil` when it is shorter than four bytes.
  public init?(_ payload: UnsafeRawBufferPointer) {
    guard payload.count >= 4 else { return nil }
    code = payload[0]
    isEnd = payload[1] & 0x80 != 0
    volume = payload[1] & 0x3F
    duration = UInt16(payload[2]) << 8 | UInt16(payload[3])
  }

  /// A report with the given fields.
  public init(code: UInt8, isEnd: Bool, volume: UInt8, duration: UInt16) {
    self.code = code
    self.isEnd = isEnd
    self.volume = volume & 0x3F
    self.duration = duration
  }

  /// The four bytes of this report.
  public var bytes: [UInt8] {
    [code, (isEnd ? 0x80 : 0) | volume, UInt8(duration >> 8), UInt8(duration & 0xFF)]
  }

  /// The DTMF symbol for the code (`0`-`9`, `*`, `#`, `A`-`D`), `flash` for 16, else `event N`.
  public var symbol: String {
    switch code {
    case 0...9: String(code)
    case 10: "*"
    case 11: "#"
    case 12...15: String(UnicodeScalar(UInt8(ascii: "A") + code - 12))
    case 16: "flash"
    default: "event \(code)"
    }
  }

  /// The code of a DTMF symbol (`0`-`9`, `*`, `#`, `A`-`D`, either case), `nil` for others.
  public static func code(of symbol: Character) -> UInt8? {
    switch symbol {
    case "0"..."9": symbol.asciiValue! - UInt8(ascii: "0")
    case "*": 10
    case "#": 11
    case "A"..."D": symbol.asciiValue! - UInt8(ascii: "A") + 12
    case "a"..."d": symbol.asciiValue! - UInt8(ascii: "a") + 12
    default: nil
    }
  }
}
