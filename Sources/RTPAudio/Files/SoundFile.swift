import CSndfile

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// An audio file open for reading in libsndfile: AU, AIFF, FLAC, and the WAV encodings the WAV
/// reader leaves to it.
final class SoundFile {
  private let handle: OpaquePointer
  private let file: VirtualFile
  /// What libsndfile found.
  let format: AudioFormat
  /// libsndfile's name for the container, such as `AIFF (Apple/SGI)`.
  let name: String
  /// Whether samples are read as stored octets and decoded with ``G711``, for bit-exactness.
  private let companded: StoredSampleFormat?
  /// Interleaved frames read per call.
  private let chunkFrames: Int
  private let scratch: UnsafeMutableRawPointer
  /// Frames handed out so far.
  private(set) var frames: UInt64 = 0
  /// The frames the file holds, as libsndfile counts them, when it knows.
  let frameCount: UInt64?
  /// Where an AU or AIFF file's header says its data ends, when that is past the end of the
  /// file: libsndfile reads what is there and says nothing, so the shortfall is reported here.
  private let declaredEnd: UInt64?

  /// Opens `file` in libsndfile; `prefix` (the input's first bytes) goes into the error.
  init(file: VirtualFile, prefix: [UInt8]) throws(AudioError) {
    var info = SF_INFO()
    var callbacks = VirtualFile.callbacks
    let user = Unmanaged.passUnretained(file).toOpaque()
    guard let handle = sf_open_virtual(&callbacks, Int32(SFM_READ), &info, user) else {
      throw .unrecognizedFormat(prefix: prefix, message: String(cString: sf_strerror(nil)))
    }
    let channels = Int(info.channels)
    let rate = Int(info.samplerate)
    guard channels > 0 && channels <= AudioFormat.maximumChannels else {
      sf_close(handle)
      throw .malformedHeader(
        offset: 0, reason: "\(channels) channels (1 to \(AudioFormat.maximumChannels) expected)")
    }
    guard rate > 0 && rate <= AudioFormat.maximumSampleRate else {
      sf_close(handle)
      throw .malformedHeader(
        offset: 0, reason: "sample rate \(rate) Hz (1 to \(AudioFormat.maximumSampleRate) expected)"
      )
    }
    let subtype = info.format & Int32(SF_FORMAT_SUBMASK)
    switch subtype {
    case Int32(SF_FORMAT_ULAW): companded = .ulaw
    case Int32(SF_FORMAT_ALAW): companded = .alaw
    default: companded = nil
    }
    self.handle = handle
    self.file = file
    // libsndfile says SF_COUNT_MAX when it cannot tell.
    frameCount = info.frames > 0 && info.frames < Int64.max ? UInt64(info.frames) : nil
    self.format = AudioFormat(
      sampleRate: rate, channels: channels, encoding: companded?.encoding ?? .pcm16)
    var major = SF_FORMAT_INFO()
    major.format = info.format & Int32(SF_FORMAT_TYPEMASK)
    if sf_command(nil, Int32(SFC_GET_FORMAT_INFO), &major, Int32(MemoryLayout<SF_FORMAT_INFO>.size))
      == 0, let text = major.name
    {
      name = String(cString: text)
    } else {
      name = "libsndfile format 0x\(String(major.format, radix: 16))"
    }
    declaredEnd = Self.declaredEnd(prefix: prefix, file: file)
    chunkFrames = max(1, 16384 / channels)
    scratch = .allocate(byteCount: chunkFrames * channels * 2, alignment: 16)
  }

  deinit {
    sf_close(handle)
    scratch.deallocate()
  }

  /// Reads up to `count` frames into `target`, one sample per frame as `pick` says; 0 at the end.
  func readSamples(
    into target: UnsafeMutablePointer<Int16>, count: Int, pick: ChannelPick
  ) throws(AudioError) -> Int {
    let wanted = min(count, chunkFrames)
    let got: Int
    if let companded {
      let bytes = sf_read_raw(handle, scratch, sf_count_t(wanted * format.channels))
      got = Int(bytes) / format.channels
      companded.convert(scratch, frames: got, channels: format.channels, pick: pick, into: target)
    } else {
      got = Int(
        sf_readf_short(handle, scratch.assumingMemoryBound(to: Int16.self), sf_count_t(wanted)))
      StoredSampleFormat.signed16.convert(
        scratch, frames: got, channels: format.channels, pick: pick, into: target)
    }
    try check(got)
    frames += UInt64(got)
    return got
  }

  /// Reads up to `count` stored octets of a mono µ-law or A-law file into `target`.
  func readEncoded(into target: UnsafeMutableRawPointer, count: Int) throws(AudioError) -> Int {
    let got = Int(sf_read_raw(handle, target, sf_count_t(count)))
    try check(got)
    frames += UInt64(got)
    return got
  }

  /// Throws libsndfile's error when a read returned nothing because of one, and, at the end of
  /// the data, an error when fewer frames came than the header declares: libsndfile ends a FLAC
  /// stream cut short or that lost sync, an AIFF cut inside its sound chunk and an AU file
  /// shorter than its data size as if they were whole.
  private func check(_ got: Int) throws(AudioError) {
    guard got == 0 else { return }
    if sf_error(handle) != 0 {
      throw .library(message: String(cString: sf_strerror(handle)), frame: frames)
    }
    if let frameCount, frames < frameCount {
      throw .missingFrames(frame: frames, declared: frameCount)
    }
    if let declaredEnd {
      throw .truncatedData(offset: UInt64(file.length), frame: frames, declaredEnd: declaredEnd)
    }
  }

  /// The end of the data an AU header (`.snd`, or `dns.` little-endian) or an AIFF `FORM`
  /// chunk declares, when it lies past the end of `file`; `nil` otherwise, for other formats,
  /// for an AU size of "unknown" (0xFFFFFFFF) and for the placeholder sizes written on pipes.
  private static func declaredEnd(prefix: [UInt8], file: VirtualFile) -> UInt64? {
    var header = [UInt8](repeating: 0, count: 12)
    let read = header.withUnsafeMutableBytes { buffer in
      pread(file.descriptor, buffer.baseAddress, 12, off_t(file.base))
    }
    guard read == 12 else { return nil }
    func field(_ at: Int, bigEndian: Bool) -> UInt64 {
      UInt64(
        header.withUnsafeBytes { $0.loadInteger(as: UInt32.self, at: at, bigEndian: bigEndian) })
    }
    let end: UInt64
    switch prefix {
    case Array(".snd".utf8), Array("dns.".utf8):
      let bigEndian = prefix[0] == UInt8(ascii: ".")
      let size = field(8, bigEndian: bigEndian)
      guard size != 0xFFFF_FFFF else { return nil }
      end = field(4, bigEndian: bigEndian) + size
    case Array("FORM".utf8):
      // sox writes AIFF on a pipe with a FORM size near 0x7F000000 it cannot go back to fix:
      // a size that large with a smaller file is a stream's placeholder, not a promise.
      let size = field(4, bigEndian: true)
      guard size < 0x7F00_0000 else { return nil }
      end = 8 + size
    default:
      return nil
    }
    return end > UInt64(file.length) ? end : nil
  }
}
