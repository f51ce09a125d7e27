/// ITU-T G.711 companding, µ-law and A-law, computed as ITU-T G.191's reference implementation
/// does (negative inputs take the one's complement before quantising, which is where other
/// encoders in the wild disagree with it).
public enum G711 {
  /// Encodes a 16-bit linear sample as a µ-law octet.
  @inlinable
  public static func ulawEncode(_ sample: Int16) -> UInt8 {
    let value = Int32(sample)
    // 14-bit magnitude; negatives as one's complement, as G.191 does.
    var magnitude = (value < 0 ? ~value : value) >> 2
    if magnitude > 8158 { magnitude = 8158 }
    magnitude += 33
    var segment: Int32 = 1
    var shifted = magnitude >> 6
    while shifted != 0 {
      segment += 1
      shifted >>= 1
    }
    let high = 8 - segment
    let low = 15 - ((magnitude >> segment) & 0x0F)
    var code = UInt8(truncatingIfNeeded: high << 4 | low)
    if value >= 0 { code |= 0x80 }
    return code
  }

  /// Decodes a µ-law octet to a 16-bit linear sample.
  @inlinable
  public static func ulawDecode(_ code: UInt8) -> Int16 {
    let complement = ~Int32(code)
    let exponent = (complement >> 4) & 0x07
    let mantissa = complement & 0x0F
    let step = Int32(4) << (exponent + 1)
    let magnitude = (Int32(0x80) << exponent) + step * mantissa + step / 2 - 4 * 33
    return Int16(code < 0x80 ? -magnitude : magnitude)
  }

  /// Encodes a 16-bit linear sample as an A-law octet.
  @inlinable
  public static func alawEncode(_ sample: Int16) -> UInt8 {
    let value = Int32(sample)
    // 12-bit magnitude; negatives as one's complement, as G.191 does.
    var magnitude = (value < 0 ? ~value : value) >> 4
    if magnitude > 15 {
      var exponent: Int32 = 1
      while magnitude > 16 + 15 {
        magnitude >>= 1
        exponent += 1
      }
      magnitude -= 16
      magnitude += exponent << 4
    }
    if value >= 0 { magnitude |= 0x80 }
    return UInt8(truncatingIfNeeded: magnitude) ^ 0x55
  }

  /// Decodes an A-law octet to a 16-bit linear sample.
  @inlinable
  public static func alawDecode(_ code: UInt8) -> Int16 {
    let toggled = Int32(code ^ 0x55) & 0x7F
    let exponent = toggled >> 4
    var mantissa = toggled & 0x0F
    if exponent > 0 { mantissa += 16 }
    mantissa = (mantissa << 4) + 8
    if exponent > 1 { mantissa <<= exponent - 1 }
    return Int16(code > 127 ? mantissa : -mantissa)
  }
}
