import CSpeex

/// The Speex mode of an RTP clock rate (RFC 5574: the clock is the sample rate, 8000, 16000 or
/// 32000): narrowband, wideband or ultra-wideband.
enum SpeexBand {
  /// libspeex's mode for `format`'s clock rate, mono only.
  static func mode(for format: PayloadFormat) throws(CodecError) -> UnsafePointer<SpeexMode> {
    guard format.channels == 1 else {
      throw .invalidParameters(format, "Speex is mono (RFC 5574)")
    }
    let identifier: Int32
    switch format.clockRate {
    case 8000: identifier = SPEEX_MODEID_NB
    case 16000: identifier = SPEEX_MODEID_WB
    case 32000: identifier = SPEEX_MODEID_UWB
    default:
      throw .invalidParameters(format, "Speex's clock is 8000, 16000 or 32000 (RFC 5574)")
    }
    guard let mode = speex_lib_get_mode(identifier) else {
      throw .library(call: "speex_lib_get_mode", message: "no mode \(identifier)")
    }
    return mode
  }
}
