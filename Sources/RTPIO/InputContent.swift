import RTPBase

/// What an input is, as its first bytes say: a capture, an audio file or compressed data.
///
/// Tools that read raw bytes (payload octets, raw samples) take anything, so a capture or a WAV
/// file handed to them by mistake would come out as noise with success. They look at the first
/// bytes with ``identify(_:)`` and refuse such input with a line that names what it is.
public enum InputContent: Sendable, Hashable, CustomStringConvertible {
  /// A classic pcap capture (µs or ns, either byte order).
  case pcap
  /// A pcapng capture.
  case pcapng
  /// An rtpdump capture (`#!rtpplay1.0`).
  case rtpdump
  /// A RIFF/WAVE file (also RIFX, RF64).
  case wav
  /// An AIFF or AIFF-C file (`FORM`).
  case aiff
  /// A Sun/NeXT AU file, either byte order.
  case au
  /// A FLAC stream.
  case flac
  /// An Ogg stream (Opus, Vorbis, Speex, FLAC in Ogg).
  case ogg
  /// gzip-compressed data.
  case gzip
  /// xz-compressed data.
  case xz
  /// Zstandard-compressed data.
  case zstd

  /// The most bytes ``identify(_:)`` looks at.
  public static let prefixLength = 12

  /// What `head`, the input's first bytes (up to ``prefixLength``), says the input is; `nil`
  /// when it matches none of the known signatures, as raw data does.
  public static func identify(_ head: UnsafeRawBufferPointer) -> InputContent? {
    func starts(with magic: [UInt8]) -> Bool {
      head.count >= magic.count && head.prefix(magic.count).elementsEqual(magic)
    }
    if head.count >= 4 {
      switch head.loadBigEndian(as: UInt32.self, at: 0) {
      case 0xA1B2_C3D4, 0xD4C3_B2A1, 0xA1B2_3C4D, 0x4D3C_B2A1: return .pcap
      case 0x0A0D_0D0A: return .pcapng
      case 0x2E73_6E64, 0x646E_732E: return .au  // ".snd", "dns."
      case 0x664C_6143: return .flac  // "fLaC"
      case 0x4F67_6753: return .ogg  // "OggS"
      case 0x28B5_2FFD: return .zstd
      default: break
      }
    }
    if starts(with: Array("#!rtpplay".utf8)) { return .rtpdump }
    // gzip's two magic bytes are common G.711 codes; its method (8, deflate) and flags
    // (reserved bits clear) make a false match on raw audio unlikely.
    if starts(with: [0x1F, 0x8B, 0x08]), head.count >= 4, head[3] & 0xE0 == 0 { return .gzip }
    if starts(with: [0xFD, 0x37, 0x7A, 0x58, 0x5A, 0x00]) { return .xz }
    for riff in ["RIFF", "RIFX", "RF64"] where starts(with: Array(riff.utf8)) {
      if head.count < 12 || head[8..<12].elementsEqual("WAVE".utf8) { return .wav }
    }
    if starts(with: Array("FORM".utf8)) {
      if head.count < 12 || head[8..<12].elementsEqual("AIFF".utf8)
        || head[8..<12].elementsEqual("AIFC".utf8)
      {
        return .aiff
      }
    }
    return nil
  }

  /// Whether this is one of the packet capture formats the tools read.
  public var isCapture: Bool {
    switch self {
    case .pcap, .pcapng, .rtpdump: return true
    default: return false
    }
  }

  /// Whether this is an audio file format.
  public var isAudioFile: Bool {
    switch self {
    case .wav, .aiff, .au, .flac, .ogg: return true
    default: return false
    }
  }

  /// Whether this is compressed data.
  public var isCompressed: Bool {
    switch self {
    case .gzip, .xz, .zstd: return true
    default: return false
    }
  }

  /// The kind in words, for messages: `a pcap capture`, `a WAV file`, `gzip-compressed data`.
  public var description: String {
    switch self {
    case .pcap: return "a pcap capture"
    case .pcapng: return "a pcapng capture"
    case .rtpdump: return "an rtpdump capture"
    case .wav: return "a WAV file"
    case .aiff: return "an AIFF file"
    case .au: return "an AU file"
    case .flac: return "a FLAC file"
    case .ogg: return "an Ogg file"
    case .gzip: return "gzip-compressed data"
    case .xz: return "xz-compressed data"
    case .zstd: return "zstd-compressed data"
    }
  }
}
