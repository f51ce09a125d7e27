import RTPIO

/// Reads a RIFF/WAVE header from an ``InputSource`` up to the first byte of the data chunk.
///
/// It peeks rather than consumes while the header fits in `peekLimit` bytes, so that a caller can
/// still hand the whole input to libsndfile when the samples turn out to be an encoding read only
/// there (ADPCM, GSM); ``consumedAny`` says whether that is still possible.
struct WAVHeaderParser {
  /// Sizes from sox and ffmpeg on a pipe, meaning "until the end of the input".
  static let unknownSize: UInt32 = 0xFFFF_FFFF
  /// sox's data size on a pipe, rounded down to a whole frame.
  static let soxPlaceholder: UInt32 = 0x7FFF_F000
  /// The largest `fmt ` chunk accepted.
  static let maximumFormatChunk: UInt32 = 65536

  private let source: InputSource
  private let base: UInt64
  private let peekLimit: Int
  private var consumed: UInt64 = 0

  /// Whether the parser has consumed bytes of the source (it has, once it returns a layout).
  var consumedAny: Bool { consumed > 0 }

  init(source: InputSource, peekLimit: Int = 1 << 18) {
    self.source = source
    self.base = source.offset
    self.peekLimit = peekLimit
  }

  /// `count` bytes at `position` (relative to the start), or `nil` if the input ends first; in
  /// that case `available` is where it ends.
  private func bytes(at position: UInt64, _ count: Int) throws(AudioError)
    -> UnsafeRawBufferPointer?
  {
    let start = Int(position - consumed)
    let window: UnsafeRawBufferPointer
    do {
      window = try source.peek(start + count)
    } catch {
      throw .io(error)
    }
    guard window.count >= start + count else { return nil }
    return UnsafeRawBufferPointer(rebasing: window[start..<(start + count)])
  }

  /// How many bytes of input there are from the start, up to `position + wanted`.
  private func available(from position: UInt64, wanting wanted: Int) throws(AudioError) -> UInt64 {
    do {
      let window = try source.peek(Int(position - consumed) + wanted)
      return consumed + UInt64(window.count)
    } catch {
      throw .io(error)
    }
  }

  /// Consumes the input up to `position`, which the last peek covered.
  private mutating func consume(to position: UInt64) {
    guard position > consumed else { return }
    source.consume(Int(position - consumed))
    consumed = position
  }

  /// Parses the header, leaving the source at the first byte of samples.
  mutating func parse() throws(AudioError) -> WAVLayout {
    guard let riff = try bytes(at: 0, 12) else {
      let got = try available(from: 0, wanting: 12)
      throw .truncatedHeader(offset: base + got, reason: "RIFF header needs 12 bytes")
    }
    let riffSize = riff.loadInteger(as: UInt32.self, at: 4, bigEndian: false)
    let riffBounded =
      riffSize != 0 && riffSize != Self.unknownSize && riffSize < Self.soxPlaceholder
    let riffEnd = 8 + UInt64(riffSize)
    var position: UInt64 = 12
    var format: (stored: StoredSampleFormat, channels: Int, rate: Int)?
    while true {
      if riffBounded && position + 8 > riffEnd {
        throw .malformedHeader(
          offset: base + 4,
          reason: "RIFF size \(riffSize) ends at byte \(base + riffEnd), before a data chunk")
      }
      guard let header = try bytes(at: position, 8) else {
        let got = try available(from: position, wanting: 8)
        let what = format == nil ? "no fmt chunk" : "no data chunk"
        throw .truncatedHeader(offset: base + got, reason: "\(what) before the end of the input")
      }
      let id = header.loadInteger(as: UInt32.self, at: 0, bigEndian: true)
      let size = header.loadInteger(as: UInt32.self, at: 4, bigEndian: false)
      let name = Self.chunkName(header)
      let body = position + 8
      switch id {
      case 0x666D_7420:  // "fmt "
        guard format == nil else {
          throw .malformedHeader(offset: base + position, reason: "second fmt chunk")
        }
        guard size >= 16 && size <= Self.maximumFormatChunk else {
          throw .malformedHeader(
            offset: base + position + 4, reason: "fmt chunk size \(size) (16 to 65536 expected)")
        }
        if riffBounded && body + UInt64(size) > riffEnd {
          throw .malformedHeader(
            offset: base + 4,
            reason: "RIFF size \(riffSize) ends at byte \(base + riffEnd), inside the fmt chunk")
        }
        guard let chunk = try bytes(at: body, Int(size)) else {
          let got = try available(from: body, wanting: Int(size))
          throw .truncatedHeader(
            offset: base + got,
            reason: "fmt chunk at byte \(base + position) declares \(size) bytes")
        }
        format = try Self.parseFormat(chunk, at: base + body)
        position = body + UInt64(size) + UInt64(size & 1)
      case 0x6461_7461:  // "data"
        guard let format else {
          throw .malformedHeader(offset: base + position, reason: "data chunk before the fmt chunk")
        }
        let frameBytes = UInt64(format.channels * format.stored.bytesPerSample)
        let streaming =
          size == Self.unknownSize
          || (size <= Self.soxPlaceholder && UInt64(Self.soxPlaceholder - size) < frameBytes)
          || (size == 0 && !riffBounded)
        var layout = WAVLayout(
          stored: format.stored, channels: format.channels, sampleRate: format.rate,
          dataLength: streaming ? nil : UInt64(size), declaredEnd: base + body + UInt64(size),
          overrun: nil)
        if !streaming && riffBounded && body + UInt64(size) > riffEnd {
          layout.dataLength = riffEnd - body
          layout.overrun =
            "the data chunk declares \(size) bytes but the RIFF chunk ends at byte \(base + riffEnd)"
        }
        consume(to: body)
        return layout
      default:
        let end = body + UInt64(size) + UInt64(size & 1)
        if riffBounded && end > riffEnd {
          throw .malformedHeader(
            offset: base + position + 4,
            reason:
              "\(name) chunk of \(size) bytes runs past the RIFF chunk's end at byte \(base + riffEnd)"
          )
        }
        if end - consumed <= UInt64(peekLimit) {
          position = end
          continue
        }
        // A long chunk before the samples (cover art, say): read past it.
        consume(to: body)
        let skipped: UInt64
        do {
          skipped = try source.skip(end - body)
        } catch {
          throw .io(error)
        }
        consumed += skipped
        if skipped < end - body {
          throw .truncatedHeader(
            offset: base + consumed,
            reason: "\(name) chunk at byte \(base + position) declares \(size) bytes")
        }
        position = end
      }
    }
  }

  /// The four characters of a chunk's identifier, quoted, with unprintable bytes as `?`.
  static func chunkName(_ header: UnsafeRawBufferPointer) -> String {
    let characters = header[0..<4].map { byte in
      byte >= 0x20 && byte < 0x7F ? Character(Unicode.Scalar(byte)) : "?"
    }
    return "'" + String(characters) + "'"
  }

  /// Reads a `fmt ` chunk's body at absolute byte `offset`.
  static func parseFormat(
    _ chunk: UnsafeRawBufferPointer, at offset: UInt64
  ) throws(AudioError) -> (stored: StoredSampleFormat, channels: Int, rate: Int) {
    var tag = chunk.loadInteger(as: UInt16.self, at: 0, bigEndian: false)
    let channels = Int(chunk.loadInteger(as: UInt16.self, at: 2, bigEndian: false))
    let rate = chunk.loadInteger(as: UInt32.self, at: 4, bigEndian: false)
    let blockAlign = Int(chunk.loadInteger(as: UInt16.self, at: 12, bigEndian: false))
    let bits = Int(chunk.loadInteger(as: UInt16.self, at: 14, bigEndian: false))
    guard channels > 0 else {
      throw .malformedHeader(offset: offset + 2, reason: "zero channels")
    }
    guard channels <= AudioFormat.maximumChannels else {
      throw .malformedHeader(
        offset: offset + 2,
        reason: "\(channels) channels exceeds the limit of \(AudioFormat.maximumChannels)")
    }
    guard rate > 0 && rate <= AudioFormat.maximumSampleRate else {
      throw .malformedHeader(
        offset: offset + 4,
        reason: "sample rate \(rate) Hz (1 to \(AudioFormat.maximumSampleRate) expected)")
    }
    if tag == 0xFFFE {
      // WAVE_FORMAT_EXTENSIBLE: the real tag opens the sub-format GUID, whose other 14 bytes
      // are the fixed KSDATAFORMAT suffix.
      guard chunk.count >= 40 else {
        throw .malformedHeader(
          offset: offset, reason: "extensible fmt chunk of \(chunk.count) bytes (40 expected)")
      }
      let suffix: [UInt8] = [
        0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xAA, 0x00, 0x38, 0x9B, 0x71,
      ]
      guard chunk[26..<40].elementsEqual(suffix) else {
        throw .unsupportedEncoding(offset: offset + 24, reason: "extensible sub-format GUID")
      }
      tag = chunk.loadInteger(as: UInt16.self, at: 24, bigEndian: false)
    }
    let stored: StoredSampleFormat
    switch (tag, (bits + 7) / 8) {
    case (1, 1): stored = .unsigned8
    case (1, 2): stored = .signed16
    case (1, 3): stored = .signed24
    case (1, 4): stored = .signed32
    case (3, 4): stored = .float32
    case (3, 8): stored = .float64
    case (6, 1): stored = .alaw
    case (7, 1): stored = .ulaw
    default:
      let hex = String(tag, radix: 16)
      throw .unsupportedEncoding(
        offset: offset, reason: "WAV format tag 0x\(hex) with \(bits) bits per sample")
    }
    guard blockAlign == channels * stored.bytesPerSample else {
      throw .malformedHeader(
        offset: offset + 12,
        reason:
          "block size \(blockAlign) for \(channels) channels of \(stored.bytesPerSample) bytes")
    }
    return (stored, channels, Int(rate))
  }
}
