import CSndfile

/// An audio file format that libsndfile writes, for output beyond WAV and raw samples: FLAC,
/// Ogg Vorbis, Ogg Opus, MP3, AIFF, AU, CAF, Wave64 and RF64, each named as on the command
/// line and by its usual file extension.
public struct SoundFileFormat: Sendable, Hashable, CustomStringConvertible {
  /// The name a user gives (`flac`, `ogg`, `opus`, `mp3`, `aiff`, `au`, `caf`, `w64`, `rf64`).
  public let name: String
  /// libsndfile's major format and subtype, combined.
  let libraryFormat: Int32

  private init(_ name: String, _ major: Int32, _ subtype: Int32) {
    self.name = name
    libraryFormat = major | subtype
  }

  /// libsndfile's 16-bit PCM subtype.
  private static let pcm16 = Int32(SF_FORMAT_PCM_16)
  private static let flac = SoundFileFormat("flac", Int32(SF_FORMAT_FLAC), pcm16)
  private static let vorbis = SoundFileFormat(
    "ogg", Int32(SF_FORMAT_OGG), Int32(SF_FORMAT_VORBIS))
  private static let opus = SoundFileFormat(
    "opus", Int32(SF_FORMAT_OGG), Int32(SF_FORMAT_OPUS))
  private static let mp3 = SoundFileFormat(
    "mp3", Int32(SF_FORMAT_MPEG), Int32(SF_FORMAT_MPEG_LAYER_III))
  private static let aiff = SoundFileFormat("aiff", Int32(SF_FORMAT_AIFF), pcm16)
  private static let au = SoundFileFormat("au", Int32(SF_FORMAT_AU), pcm16)
  private static let caf = SoundFileFormat("caf", Int32(SF_FORMAT_CAF), pcm16)
  private static let w64 = SoundFileFormat("w64", Int32(SF_FORMAT_W64), pcm16)
  private static let rf64 = SoundFileFormat("rf64", Int32(SF_FORMAT_RF64), pcm16)

  /// Every format, in the order help lists them.
  public static let all: [SoundFileFormat] = [flac, vorbis, opus, mp3, aiff, au, caf, w64, rf64]

  /// The format called `name` (`flac`, `ogg`...), in any case.
  public init?(name: some StringProtocol) {
    let lower = name.lowercased()
    guard let found = Self.all.first(where: { $0.name == lower }) else { return nil }
    self = found
  }

  /// The format a file name's extension names (`call.flac`, `call.oga`, `call.aif`), if any.
  public init?(fileName: some StringProtocol) {
    guard let dot = fileName.lastIndex(of: ".") else { return nil }
    let suffix = fileName[fileName.index(after: dot)...].lowercased()
    let aliases = ["oga": "ogg", "aif": "aiff", "snd": "au"]
    self.init(name: aliases[suffix] ?? suffix)
  }

  public var description: String { name }

  /// Whether libsndfile can write `format` as this file format (Ogg Opus takes 8, 12, 16, 24 and
  /// 48 kHz only; MP3 needs a libsndfile built with LAME).
  public func canWrite(_ format: AudioFormat) -> Bool {
    var info = SF_INFO()
    info.samplerate = Int32(format.sampleRate)
    info.channels = Int32(format.channels)
    info.format = libraryFormat
    return sf_format_check(&info) != 0
  }
}
