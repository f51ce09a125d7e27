/// A payload type that RFC 3551 assigns statically (section 6, tables 4 and 5): its encoding
/// name, clock rate and, for audio, channel count.
///
/// Types 96 to 127 are dynamic and mean what signalling says; the unassigned and reserved static
/// numbers have no entry.
public struct RTPStaticPayloadType: Sendable, Hashable, CustomStringConvertible {
  /// The payload type number, 0 to 34.
  public let payloadType: UInt8
  /// The encoding name as SDP's `a=rtpmap` spells it: `PCMU`, `GSM`, `G722`, `H261`.
  public let encodingName: String
  /// Whether the payload is audio (false for video and MP2T).
  public let isAudio: Bool
  /// The RTP clock rate in Hz.
  public let clockRate: Int
  /// Audio channels (1 for video).
  public let channels: Int

  /// The assignment for `payloadType`, `nil` for dynamic, unassigned and reserved numbers.
  public init?(_ payloadType: UInt8) {
    let audio: (String, Int, Int)?
    switch payloadType {
    case 0: audio = ("PCMU", 8000, 1)
    case 3: audio = ("GSM", 8000, 1)
    case 4: audio = ("G723", 8000, 1)
    case 5: audio = ("DVI4", 8000, 1)
    case 6: audio = ("DVI4", 16000, 1)
    case 7: audio = ("LPC", 8000, 1)
    case 8: audio = ("PCMA", 8000, 1)
    case 9: audio = ("G722", 8000, 1)
    case 10: audio = ("L16", 44100, 2)
    case 11: audio = ("L16", 44100, 1)
    case 12: audio = ("QCELP", 8000, 1)
    case 13: audio = ("CN", 8000, 1)
    case 14: audio = ("MPA", 90000, 1)
    case 15: audio = ("G728", 8000, 1)
    case 16: audio = ("DVI4", 11025, 1)
    case 17: audio = ("DVI4", 22050, 1)
    case 18: audio = ("G729", 8000, 1)
    default: audio = nil
    }
    if let (name, rate, channels) = audio {
      self.init(payloadType, name, isAudio: true, rate, channels)
      return
    }
    let video: String
    switch payloadType {
    case 25: video = "CelB"
    case 26: video = "JPEG"
    case 28: video = "nv"
    case 31: video = "H261"
    case 32: video = "MPV"
    case 33: video = "MP2T"
    case 34: video = "H263"
    default: return nil
    }
    self.init(payloadType, video, isAudio: false, 90000, 1)
  }

  private init(_ type: UInt8, _ name: String, isAudio: Bool, _ rate: Int, _ channels: Int) {
    payloadType = type
    encodingName = name
    self.isAudio = isAudio
    clockRate = rate
    self.channels = channels
  }

  /// Whether `payloadType` is in the dynamic range, 96 to 127.
  public static func isDynamic(_ payloadType: UInt8) -> Bool {
    (96...127).contains(payloadType)
  }

  /// `NAME/RATE` or, for more than one channel, `NAME/RATE/CHANNELS`, as in `a=rtpmap`.
  public var description: String {
    channels > 1 ? "\(encodingName)/\(clockRate)/\(channels)" : "\(encodingName)/\(clockRate)"
  }
}
