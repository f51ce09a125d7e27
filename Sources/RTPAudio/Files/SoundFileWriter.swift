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

/// Writes 16-bit audio through libsndfile in one of the ``SoundFileFormat``s, to a regular file
/// (libsndfile seeks back to complete headers, so a pipe is refused when the writer is made).
public final class SoundFileWriter {
  /// What is written.
  public let format: AudioFormat
  /// The file format.
  public let fileFormat: SoundFileFormat
  private let handle: OpaquePointer
  private let file: VirtualFile
  private var frames: UInt64 = 0
  private var finished = false

  /// Starts writing `format` as `fileFormat` to `fileDescriptor`, a regular file the caller
  /// keeps open and closes after ``finish()``.
  ///
  /// - Throws: ``AudioError/invalidParameters(_:)`` for a pipe or terminal, or a rate or channel
  ///   count the file format cannot hold.
  public init(
    fileDescriptor: FileDescriptor, format: AudioFormat, fileFormat: SoundFileFormat
  ) throws(AudioError) {
    if let problem = format.problem { throw .invalidParameters(problem) }
    var status = stat()
    let offset = lseek(fileDescriptor.rawValue, 0, SEEK_CUR)
    guard fstat(fileDescriptor.rawValue, &status) == 0, status.st_mode & S_IFMT == S_IFREG,
      offset >= 0
    else {
      throw .invalidParameters(
        "\(fileFormat) is written to a file (-o FILE or a redirect), not a pipe: "
          + "use wav or raw on a pipe")
    }
    guard fileFormat.canWrite(format) else {
      throw .invalidParameters(
        "libsndfile cannot write \(format.sampleRate) Hz \(format.channels)-channel audio as "
          + "\(fileFormat)"
          + (fileFormat.name == "opus" ? " (Opus takes 8, 12, 16, 24 or 48 kHz)" : ""))
    }
    var info = SF_INFO()
    info.samplerate = Int32(format.sampleRate)
    info.channels = Int32(format.channels)
    info.format = fileFormat.libraryFormat
    let file = VirtualFile(writingTo: fileDescriptor.rawValue, base: Int64(offset))
    var callbacks = VirtualFile.callbacks
    let user = Unmanaged.passUnretained(file).toOpaque()
    guard let handle = sf_open_virtual(&callbacks, Int32(SFM_WRITE), &info, user) else {
      throw .invalidParameters(
        "libsndfile cannot write \(format.sampleRate) Hz \(format.channels)-channel audio as "
          + "\(fileFormat): \(String(cString: sf_strerror(nil)))")
    }
    self.file = file
    self.handle = handle
    self.format = format
    self.fileFormat = fileFormat
  }

  deinit {
    if !finished { sf_close(handle) }
  }

  /// Frames written so far.
  public var framesWritten: UInt64 { frames }

  /// Writes interleaved 16-bit samples, whole frames over the calls.
  ///
  /// - Throws: ``/RTPIO/IOError/writeFailed(offset:errno:)`` when libsndfile cannot write (a
  ///   full disk).
  public func write(samples: UnsafeBufferPointer<Int16>) throws(IOError) {
    precondition(!finished, "write after finish")
    guard let base = samples.baseAddress, !samples.isEmpty else { return }
    let written = sf_write_short(handle, base, sf_count_t(samples.count))
    guard written == sf_count_t(samples.count) else {
      throw .writeFailed(offset: UInt64(file.position), errno: Errno(rawValue: failureNumber))
    }
    frames += UInt64(samples.count / max(format.channels, 1))
  }

  /// Completes the file: its headers, and the encoder's last blocks.
  ///
  /// - Throws: ``/RTPIO/IOError/writeFailed(offset:errno:)`` when libsndfile cannot.
  public func finish() throws(IOError) {
    guard !finished else { return }
    finished = true
    guard sf_close(handle) == 0, file.failure == 0 else {
      throw .writeFailed(offset: UInt64(file.position), errno: Errno(rawValue: failureNumber))
    }
  }

  /// The error number of the write that failed, EIO when libsndfile failed on its own.
  private var failureNumber: Int32 { file.failure != 0 ? file.failure : EIO }
}
