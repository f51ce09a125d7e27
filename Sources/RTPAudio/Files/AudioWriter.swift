import RTPIO
import SystemPackage

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// Writes audio to a file descriptor as WAV or raw samples.
///
/// WAV holds 16-bit PCM, or G.711 µ-law or A-law with the fmt chunk those need (18 bytes, with
/// `cbSize`) and a fact chunk. The header goes out first with 0xFFFFFFFF sizes, which is what
/// stays on a pipe (as sox and ffmpeg do; readers take it as "until the end"). On a regular file
/// not opened for appending, ``finish()`` writes the real sizes in place with `pwrite(2)`, and a
/// pad byte after an odd-sized data chunk as RIFF requires.
///
/// Samples leave through an ``/RTPIO/OutputSink``: no allocation per call, and a closed pipe downstream
/// surfaces as ``/RTPIO/IOError/brokenPipe`` unchanged, for tools to stop quietly.
public final class AudioWriter {
  /// What is written.
  public let format: AudioFormat
  /// WAV or raw.
  public let container: AudioContainer
  private let descriptor: FileDescriptor
  private let sink: OutputSink
  /// Where the header starts in the file, when its sizes can be fixed at the end.
  private let headerOffset: Int64?
  private let headerSize: Int
  private var dataBytes: UInt64 = 0
  private var finished = false

  /// The 0xFFFFFFFF sizes of a header whose lengths are unknown.
  static let unknownSize: UInt32 = 0xFFFF_FFFF

  /// Starts writing `format` in `container` to `fileDescriptor`, which the caller keeps open and
  /// closes after ``finish()``. Throws ``AudioError/invalidParameters(_:)`` for a rate or channel
  /// count out of range. Nothing is written until the buffer fills or ``finish()``.
  public init(
    fileDescriptor: FileDescriptor, format: AudioFormat, container: AudioContainer = .wav,
    bufferCapacity: Int = 1 << 20
  ) throws(AudioError) {
    if let problem = format.problem { throw .invalidParameters(problem) }
    self.format = format
    self.container = container
    self.descriptor = fileDescriptor
    self.sink = OutputSink(fileDescriptor: fileDescriptor, capacity: bufferCapacity)
    self.headerOffset = container == .wav ? Self.fixableOffset(fileDescriptor) : nil
    switch container {
    case .raw: headerSize = 0
    case .wav: headerSize = format.encoding == .pcm16 ? 44 : 58
    }
    if container == .wav {
      do {
        let header = try sink.reserve(headerSize)
        writeHeader(into: header, dataBytes: nil, padded: false)
        sink.commit(headerSize)
      } catch {
        throw .io(error)
      }
    }
  }

  /// Bytes of samples written so far.
  public var bytesOfSamples: UInt64 { dataBytes }

  /// Writes interleaved 16-bit samples (whole frames over the calls), encoded as ``format`` says:
  /// little-endian PCM, or G.711 with ``G711``'s encoders.
  ///
  /// - Precondition: ``finish()`` has not been called.
  public func write(samples: UnsafeBufferPointer<Int16>) throws(IOError) {
    precondition(!finished, "write after finish")
    guard let base = samples.baseAddress, !samples.isEmpty else { return }
    switch format.encoding {
    case .pcm16:
      // Little-endian hosts only (x86-64, arm64): host order is the stored order.
      try sink.write(UnsafeRawBufferPointer(start: base, count: samples.count * 2))
    case .ulaw, .alaw:
      let law: G711Law = format.encoding == .ulaw ? .ulaw : .alaw
      var done = 0
      while done < samples.count {
        let count = min(samples.count - done, 1 << 16)
        let space = try sink.reserve(count)
        G711.encode(law, UnsafeBufferPointer(start: base + done, count: count), into: space)
        sink.commit(count)
        done += count
      }
    }
    dataBytes += UInt64(samples.count * format.encoding.bytesPerSample)
  }

  /// Writes G.711 `codes` of `law` decoded to 16-bit samples, straight into the output buffer,
  /// for a writer of ``AudioEncoding/pcm16``; the same as decoding them with
  /// ``G711/decode(_:_:into:)`` and passing the samples to ``write(samples:)``, one copy fewer.
  ///
  /// - Precondition: ``finish()`` has not been called, and the writer is PCM16.
  public func write(decoding codes: UnsafeRawBufferPointer, _ law: G711Law) throws(IOError) {
    precondition(!finished, "write after finish")
    precondition(format.encoding == .pcm16, "decoding G.711 into a writer that is not PCM16")
    var done = 0
    while done < codes.count {
      let count = min(codes.count - done, 1 << 16)
      let space = try sink.reserve(count * 2)
      G711.decode(
        law, UnsafeRawBufferPointer(rebasing: codes[done..<(done + count)]),
        into: space.bindMemory(to: Int16.self))
      sink.commit(count * 2)
      done += count
    }
    dataBytes += UInt64(codes.count * 2)
  }

  /// Writes bytes already in the stored encoding (G.711 octets, or 16-bit little-endian PCM), as
  /// they are.
  ///
  /// - Precondition: ``finish()`` has not been called.
  public func writeEncoded(_ bytes: UnsafeRawBufferPointer) throws(IOError) {
    precondition(!finished, "write after finish")
    try sink.write(bytes)
    dataBytes += UInt64(bytes.count)
  }

  /// Writes what is buffered and, on a regular file, the header's real sizes. Call once, last.
  public func finish() throws(IOError) {
    precondition(!finished, "finish twice")
    finished = true
    if let headerOffset, dataBytes & 1 == 1 {
      let pad = try sink.reserve(1)
      pad[0] = 0
      sink.commit(1)
      try sink.flush()
      try fixSizes(at: headerOffset, padded: true)
      return
    }
    try sink.flush()
    if let headerOffset { try fixSizes(at: headerOffset, padded: false) }
  }

  /// Rewrites the header at `offset` with the sizes now known.
  private func fixSizes(at offset: Int64, padded: Bool) throws(IOError) {
    var header = (
      UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0)
    )
    try withUnsafeMutableBytes(of: &header) { buffer throws(IOError) in
      let bytes = UnsafeMutableRawBufferPointer(rebasing: buffer[0..<headerSize])
      writeHeader(into: bytes, dataBytes: dataBytes, padded: padded)
      var done = 0
      while done < bytes.count {
        let result = pwrite(
          descriptor.rawValue, bytes.baseAddress! + done, bytes.count - done,
          off_t(offset) + off_t(done))
        if result < 0 {
          if errno == EINTR { continue }
          throw .writeFailed(offset: UInt64(offset) + UInt64(done), errno: Errno(rawValue: errno))
        }
        done += result
      }
    }
  }

  /// Fills `header` for `dataBytes` bytes of samples (followed by a pad byte if `padded`), or
  /// with 0xFFFFFFFF sizes when that is `nil` or too large for RIFF's 32 bits.
  private func writeHeader(
    into header: UnsafeMutableRawBufferPointer, dataBytes samples: UInt64?, padded: Bool
  ) {
    let pad: UInt32 = padded ? 1 : 0
    let riff: UInt32
    let data: UInt32
    let frames: UInt32
    if let samples, let total = UInt32(exactly: samples + UInt64(headerSize - 8) + UInt64(pad)) {
      riff = total
      data = UInt32(samples)
      frames = UInt32(samples / UInt64(format.bytesPerFrame))
    } else {
      (riff, data, frames) = (Self.unknownSize, Self.unknownSize, Self.unknownSize)
    }
    var position = 0
    func tag(_ text: StaticString) {
      header.baseAddress!.advanced(by: position).copyMemory(from: text.utf8Start, byteCount: 4)
      position += 4
    }
    func put32(_ value: UInt32) {
      header.storeBytes(of: value.littleEndian, toByteOffset: position, as: UInt32.self)
      position += 4
    }
    func put16(_ value: UInt16) {
      header.storeBytes(of: value.littleEndian, toByteOffset: position, as: UInt16.self)
      position += 2
    }
    let bytesPerSample = format.encoding.bytesPerSample
    tag("RIFF")
    put32(riff)
    tag("WAVE")
    tag("fmt ")
    let formatTag: UInt16
    switch format.encoding {
    case .pcm16: formatTag = 1
    case .alaw: formatTag = 6
    case .ulaw: formatTag = 7
    }
    put32(format.encoding == .pcm16 ? 16 : 18)
    put16(formatTag)
    put16(UInt16(format.channels))
    put32(UInt32(format.sampleRate))
    put32(UInt32(format.sampleRate * format.bytesPerFrame))
    put16(UInt16(format.bytesPerFrame))
    put16(UInt16(bytesPerSample * 8))
    if format.encoding != .pcm16 {
      put16(0)  // cbSize: no extra format bytes
      tag("fact")
      put32(4)
      put32(frames)
    }
    tag("data")
    put32(data)
    assert(position == headerSize)
  }

  /// The offset of the write position of `descriptor` if it is a regular file whose header can
  /// be rewritten in place (not opened with `O_APPEND`); `nil` otherwise.
  private static func fixableOffset(_ descriptor: FileDescriptor) -> Int64? {
    var status = stat()
    guard fstat(descriptor.rawValue, &status) == 0, (status.st_mode & S_IFMT) == S_IFREG else {
      return nil
    }
    let flags = fcntl(descriptor.rawValue, F_GETFL)
    guard flags >= 0, flags & O_APPEND == 0 else { return nil }
    let offset = lseek(descriptor.rawValue, 0, SEEK_CUR)
    return offset >= 0 ? Int64(offset) : nil
  }
}
