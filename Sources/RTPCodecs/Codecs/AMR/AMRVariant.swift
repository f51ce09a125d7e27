/// Which of the two AMR codecs a payload carries: AMR (narrowband, 8 kHz) or AMR-WB (wideband,
/// 16 kHz), with the facts RFC 4867 and 3GPP TS 26.101 / 26.201 give for each.
enum AMRVariant: Sendable, Hashable {
  case narrowband
  case wideband

  /// The encoding name (RFC 4867 §8.1 and §8.2).
  var name: String { self == .narrowband ? "AMR" : "AMR-WB" }

  /// The audio and RTP clock rate.
  var sampleRate: Int { self == .narrowband ? 8000 : 16000 }

  /// Samples in one 20 ms frame.
  var frameSize: Int { sampleRate / 50 }

  /// The frame type of the comfort-noise (SID) frame.
  var silenceDescriptorType: Int { self == .narrowband ? 8 : 9 }

  /// The frame type that carries no speech bits (RFC 4867 §4.3.2).
  static let noData = 15

  /// The bit rates of the speech modes, frame types 0 up.
  var bitrates: [Int] {
    switch self {
    case .narrowband: [4750, 5150, 5900, 6700, 7400, 7950, 10200, 12200]
    case .wideband: [6600, 8850, 12650, 14250, 15850, 18250, 19850, 23050, 23850]
    }
  }

  /// The speech bits of a frame of type `frameType` (TS 26.101 table 1a, TS 26.201 table 1a):
  /// 0 for NO_DATA (and AMR-WB's SPEECH_LOST), `nil` for a type a payload cannot carry (the
  /// other systems' SID frames and the reserved types, whose packets RFC 4867 §4.3.2 says to
  /// discard).
  func speechBits(frameType: Int) -> Int? {
    switch self {
    case .narrowband:
      switch frameType {
      case 0...8: Self.narrowbandBits[frameType]
      case 15: 0
      default: nil
      }
    case .wideband:
      switch frameType {
      case 0...9: Self.widebandBits[frameType]
      case 14, 15: 0
      default: nil
      }
    }
  }

  /// The largest frame in the storage format: the TOC byte and 31 (AMR) or 60 (AMR-WB) bytes.
  var maximumStorageBytes: Int { self == .narrowband ? 32 : 61 }

  private static let narrowbandBits = [95, 103, 118, 134, 148, 159, 204, 244, 39]
  private static let widebandBits = [132, 177, 253, 285, 317, 365, 397, 461, 477, 40]
}
