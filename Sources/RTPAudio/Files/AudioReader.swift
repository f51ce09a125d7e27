import CSndfile
import RTPIO
import SystemPackage

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// Reads audio from a file descriptor, a regular file or a pipe, as 16-bit mono samples or, for
/// G.711 files, as the octets stored.
///
/// The format is sniffed from the first bytes, never from a name. WAV (including the streaming
/// headers sox and ffmpeg write on pipes, with 0xFFFFFFFF, 0x7FFFF000 or 0 sizes, and
/// WAVE_FORMAT_EXTENSIBLE) is parsed here and its samples streamed through a fixed buffer, so a
/// WAV on a pipe is read as it arrives: 16-bit PCM, µ-law (tag 7), A-law (tag 6), and 8-, 24-,
/// 32-bit PCM and 32-, 64-bit float, reduced to 16 bits as sox does without dither. Everything
/// else (AU, AIFF, FLAC, ADPCM WAV, ...) goes to libsndfile, which needs to seek: from a pipe the
/// input is first copied to an unlinked temporary file, so memory stays flat either way. Raw
/// input is read as told.
///
/// Damaged input yields every whole frame before the damage, then an ``AudioError`` saying where
/// and why. No buffer is sized by a header's claims.
public final class AudioReader {
  /// The input's rate and channels, and how its samples are stored (``AudioEncoding/pcm16`` for
  /// any linear or float encoding, since they are delivered as 16-bit).
  public let format: AudioFormat
  /// What the input was found to be: `WAV`, `raw`, or libsndfile's name for the format.
  public let formatName: String
  private let backend: Backend

  private enum Backend {
    case stream(SampleStream)
    case library(SoundFile)
  }

  /// Starts reading `fileDescriptor`, which the caller keeps open and closes after the reader
  /// is gone. With `raw`, the input is samples only, in that format (16-bit little-endian for
  /// ``AudioEncoding/pcm16``); without, the format is sniffed. Reads the header before returning.
  ///
  /// With `fallback` (and no `raw`), input that does not start like an audio file is read as raw
  /// samples in that format, from its first byte, instead of being an error: nothing is lost on a
  /// pipe, since only the first bytes are looked at before deciding. An input starts like an audio
  /// file when it opens with the magic of WAV or of a container libsndfile reads (see
  /// `startsLikeAudioFile(_:)`); such input cut short inside its header is an error, not raw.
  /// Empty input, and input that is a capture or compressed (``/RTPIO/InputContent``), are errors
  /// too: decoded as raw samples they would be noise or nothing, with success.
  public convenience init(
    fileDescriptor: FileDescriptor, raw: AudioFormat? = nil, fallback: AudioFormat? = nil
  ) throws(AudioError) {
    try self.init(
      fileDescriptor: fileDescriptor, raw: raw, fallback: fallback, bufferCapacity: 1 << 20)
  }

  /// As the public initializer, with the read buffer's size chosen (tests use small ones).
  init(
    fileDescriptor: FileDescriptor, raw: AudioFormat?, fallback: AudioFormat? = nil,
    bufferCapacity: Int
  ) throws(AudioError) {
    let source = InputSource(fileDescriptor: fileDescriptor, capacity: bufferCapacity)
    if let problem = (raw ?? fallback)?.problem { throw .invalidParameters(problem) }
    if let raw {
      (format, formatName, backend) = Self.rawInput(source, raw)
      return
    }
    let start = Self.regularFileOffset(fileDescriptor)
    let head: UnsafeRawBufferPointer
    do {
      head = try source.peek(12)
    } catch {
      throw .io(error)
    }
    if let fallback {
      if head.isEmpty { throw .emptyInput }
      if let content = InputContent.identify(head), !content.isAudioFile {
        throw .notAudio(content)
      }
      if !Self.startsLikeAudioFile(head) {
        (format, formatName, backend) = Self.rawInput(source, fallback)
        return
      }
    }
    if head.isEmpty { throw .emptyInput }
    let prefix = Array(head.prefix(4))
    if head.count < 12 {
      throw .truncatedHeader(
        offset: source.offset + UInt64(head.count),
        reason: "input ends after \(head.count) bytes, before any audio header is complete")
    }
    if head.elementsEqual(Array("RIFF".utf8) + Array(head[4..<8]) + Array("WAVE".utf8)) {
      var parser = WAVHeaderParser(source: source)
      do {
        let layout = try parser.parse()
        format = AudioFormat(
          sampleRate: layout.sampleRate, channels: layout.channels,
          encoding: layout.stored.encoding)
        formatName = "WAV"
        backend = .stream(
          SampleStream(
            source: source, stored: layout.stored, channels: layout.channels,
            length: layout.dataLength, declaredEnd: layout.declaredEnd, overrun: layout.overrun))
        return
      } catch {
        // An encoding only libsndfile decodes (ADPCM, GSM): hand it the whole file if we can.
        guard case .unsupportedEncoding = error, start != nil || !parser.consumedAny else {
          throw error
        }
        let unsupported = error
        do {
          let file = try Self.openLibrary(
            fileDescriptor, start: start, source: source, prefix: prefix)
          (format, formatName, backend) = (file.format, file.name, .library(file))
          return
        } catch {
          // libsndfile does not know it either: our reason is the more precise one.
          throw unsupported
        }
      }
    }
    // On a pipe, libsndfile needs a copy in a file: not of input that no audio file starts as.
    if start == nil && !Self.startsLikeAudioFile(head) {
      // libsndfile's own words for it, as a file would get.
      let message = String(cString: sf_error_number(Int32(SF_ERR_UNRECOGNISED_FORMAT)))
      throw .unrecognizedFormat(prefix: prefix, message: message)
    }
    let file = try Self.openLibrary(fileDescriptor, start: start, source: source, prefix: prefix)
    (format, formatName, backend) = (file.format, file.name, .library(file))
  }

  /// The frames the input holds, when it is a file that libsndfile reads and says how many;
  /// `nil` for what is streamed (WAV, raw), whose progress is the bytes read from the descriptor.
  public var frameCount: UInt64? {
    switch backend {
    case .stream: return nil
    case .library(let file): return file.frameCount
    }
  }

  /// Frames read so far.
  public var framesRead: UInt64 {
    switch backend {
    case .stream(let stream): return stream.frames
    case .library(let file): return file.frames
    }
  }

  /// Reads up to `buffer.count` frames, writing one 16-bit sample per frame: the channels mixed
  /// down or the one selected. µ-law and A-law are decoded with ``G711``, bit-exact. Returns the
  /// number of frames written, 0 at the end of the input; may return fewer than asked before the
  /// end. Throws where the input is damaged, after every whole frame before it was returned.
  public func readSamples(
    into buffer: UnsafeMutableBufferPointer<Int16>, channels selection: ChannelSelection = .mix
  ) throws(AudioError) -> Int {
    let pick = try ChannelPick(selection, channels: format.channels)
    guard let target = buffer.baseAddress, buffer.count > 0 else { return 0 }
    switch backend {
    case .stream(let stream):
      let window = try stream.next(maximum: buffer.count)
      let frames = window.count / stream.frameBytes
      guard frames > 0, let bytes = window.baseAddress else { return 0 }
      stream.stored.convert(
        bytes, frames: frames, channels: stream.channels, pick: pick, into: target)
      stream.advance(frames: frames)
      return frames
    case .library(let file):
      return try file.readSamples(into: target, count: buffer.count, pick: pick)
    }
  }

  /// Reads up to `buffer.count` octets of a mono µ-law or A-law input as they are stored, for a
  /// caller that decodes G.711 itself. Returns the number read, 0 at the end of the input.
  /// Throws ``AudioError/notEncoded(_:)`` for any other input, and as ``readSamples(into:channels:)``
  /// for damage.
  public func readEncoded(into buffer: UnsafeMutableRawBufferPointer) throws(AudioError) -> Int {
    let octets = try nextEncoded(scratch: buffer)
    if let target = buffer.baseAddress, let bytes = octets.baseAddress, bytes != target {
      target.copyMemory(from: bytes, byteCount: octets.count)
    }
    return octets.count
  }

  /// Reads as ``readEncoded(into:)`` up to `scratch.count` octets, but returns them where the
  /// reader holds them when it reads the input itself (raw and WAV), without a copy; only input
  /// read through libsndfile lands in `scratch`. Empty at the end of the input. The octets are
  /// valid until the next read from this reader.
  public func nextEncoded(scratch: UnsafeMutableRawBufferPointer) throws(AudioError)
    -> UnsafeRawBufferPointer
  {
    guard format.channels == 1 && format.encoding != .pcm16 else { throw .notEncoded(format) }
    guard let target = scratch.baseAddress, scratch.count > 0 else {
      return UnsafeRawBufferPointer(start: nil, count: 0)
    }
    switch backend {
    case .stream(let stream):
      let window = try stream.next(maximum: scratch.count)
      // Consuming moves only the stream's start: the bytes stay until it next reads.
      stream.advance(frames: window.count)
      return window
    case .library(let file):
      let count = try file.readEncoded(into: target, count: scratch.count)
      return UnsafeRawBufferPointer(start: target, count: count)
    }
  }

  /// The parts of a reader of raw samples in `format` from `source`.
  private static func rawInput(_ source: InputSource, _ format: AudioFormat) -> (
    AudioFormat, String, Backend
  ) {
    let stream = SampleStream(
      source: source, stored: StoredSampleFormat(format.encoding), channels: format.channels,
      length: nil, declaredEnd: 0, overrun: nil)
    return (format, "raw", .stream(stream))
  }

  /// The first four bytes of the audio files a reader with a fallback still sniffs: WAV (and
  /// RIFX, RF64, Wave64), AIFF and 8SVX (`FORM`), AU in both byte orders, FLAC, Ogg, CAF, NIST
  /// SPHERE, Creative VOC, MATLAB 5, PVF, AVR, and MP3 behind an ID3 tag. Formats recognised by
  /// weaker signs (an MPEG frame sync, which µ-law silence resembles, or a file name) are not
  /// looked for: such input is raw.
  static let audioFileMagics: [[UInt8]] = [
    "RIFF", "RIFX", "RF64", "riff", "FORM", ".snd", "dns.", "fLaC", "OggS", "caff", "NIST",
    "Crea", "MATL", "PVF1", "2BIT", "ID3",
  ].map { Array($0.utf8) }

  /// Whether `head` (the input's first bytes) opens with one of ``audioFileMagics``.
  static func startsLikeAudioFile(_ head: UnsafeRawBufferPointer) -> Bool {
    audioFileMagics.contains { magic in
      head.count >= magic.count && head.prefix(magic.count).elementsEqual(magic)
    }
  }

  /// Where reading starts in `descriptor`'s file, if it is a regular file; `nil` for a pipe,
  /// socket or terminal.
  private static func regularFileOffset(_ descriptor: FileDescriptor) -> Int64? {
    var status = stat()
    guard fstat(descriptor.rawValue, &status) == 0, (status.st_mode & S_IFMT) == S_IFREG else {
      return nil
    }
    let offset = lseek(descriptor.rawValue, 0, SEEK_CUR)
    return offset >= 0 ? Int64(offset) : nil
  }

  /// Opens the input in libsndfile: in place if it is a regular file starting at `start`,
  /// otherwise after copying what `source` has not consumed to an unlinked temporary file.
  private static func openLibrary(
    _ descriptor: FileDescriptor, start: Int64?, source: InputSource, prefix: [UInt8]
  ) throws(AudioError) -> SoundFile {
    let file: VirtualFile
    if let start {
      file = try VirtualFile(descriptor: descriptor.rawValue, base: start, owned: false)
    } else {
      file = try VirtualFile(descriptor: try spool(source), base: 0, owned: true)
    }
    return try SoundFile(file: file, prefix: prefix)
  }

  /// Copies the rest of `source` to a new unlinked file in `$TMPDIR` (or `/tmp`) and returns
  /// its descriptor; more than ``TemporaryFile/spoolLimit`` bytes is an error.
  private static func spool(_ source: InputSource) throws(AudioError) -> CInt {
    let limit = TemporaryFile.spoolLimit
    let spool: FileDescriptor
    do {
      spool = try TemporaryFile.makeUnlinked(prefix: "rtpsynth-audio")
    } catch {
      throw .io(error)
    }
    let descriptor = spool.rawValue
    var written: UInt64 = 0
    do {
      while true {
        let window = try source.peekAvailable()
        if window.isEmpty { break }
        do {
          _ = try spool.writeAll(window)
        } catch let error as Errno {
          throw IOError.writeFailed(offset: written, errno: error)
        } catch {
          throw IOError.writeFailed(offset: written, errno: .ioError)
        }
        written += UInt64(window.count)
        source.consume(window.count)
        if written > limit {
          close(descriptor)
          throw AudioError.malformedHeader(
            offset: limit, reason: TemporaryFile.spoolLimitReason(limit))
        }
      }
    } catch let error as AudioError {
      throw error
    } catch let error as IOError {
      close(descriptor)
      throw .io(error)
    } catch {
      close(descriptor)
      throw .io(.writeFailed(offset: written, errno: .ioError))
    }
    return descriptor
  }
}
