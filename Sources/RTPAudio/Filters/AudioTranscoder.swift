import RTPBase
import RTPIO

/// Copies one mono signal from an ``AudioReader`` to an ``AudioWriter`` at the same rate,
/// changing only how its samples are stored: 16-bit PCM to G.711 (the writer encodes with
/// ``G711``'s bulk encoder), G.711 to 16-bit PCM (decoded with ``G711/decode(_:_:into:)``,
/// bit-exact), or any encoding the reader knows to any the writer stores.
///
/// It is what `rtpulaw` runs: a chunk read, a chunk converted, a chunk written, with buffers
/// allocated once, so memory stays flat and a pipe is converted as it arrives.
public final class AudioTranscoder {
  /// Which channel of a multichannel input is kept, or their mix.
  public let channels: ChannelSelection
  private let samples: UnsafeMutableBufferPointer<Int16>
  private let octets: UnsafeMutableRawBufferPointer

  /// Creates a transcoder keeping `channels` of the input, converting up to `chunkFrames`
  /// frames at a time.
  ///
  /// - Precondition: `chunkFrames` is positive.
  public init(channels: ChannelSelection = .mix, chunkFrames: Int = 1 << 16) {
    precondition(chunkFrames > 0, "chunkFrames must be positive")
    self.channels = channels
    samples = .allocate(capacity: chunkFrames)
    octets = .allocate(byteCount: chunkFrames, alignment: 16)
  }

  deinit {
    samples.deallocate()
    octets.deallocate()
  }

  /// Reads `reader` to its end and writes every sample to `writer`, then finishes the writer.
  /// Returns the number of frames converted.
  ///
  /// `writer` should be mono at the reader's rate: this changes the encoding, never the rate.
  /// Where the input is damaged, every whole frame before the damage is written and the writer
  /// finished before ``AudioFilterError/input(_:)`` is thrown; a failed write is thrown as
  /// ``AudioFilterError/output(_:)`` at once. `progress`, if given, is called with the frames
  /// converted so far after each chunk.
  @discardableResult
  public func run(
    from reader: AudioReader, to writer: AudioWriter, progress: ProgressHandler? = nil
  ) throws(AudioFilterError) -> UInt64 {
    let format = reader.format
    let law: G711Law? =
      switch format.encoding {
      case .ulaw: .ulaw
      case .alaw: .alaw
      case .pcm16: nil
      }
    // Mono G.711 into 16-bit PCM: decode the stored octets here, with the bulk decoder.
    let decodeOctets = format.channels == 1 && law != nil && writer.format.encoding == .pcm16
    var frames: UInt64 = 0
    var failure: AudioError? = nil
    do throws(IOError) {
      while true {
        let count: Int
        // Mono G.711: the octets where the reader holds them, decoded straight into the
        // writer's buffer.
        var encoded = UnsafeRawBufferPointer(start: nil, count: 0)
        do throws(AudioError) {
          if decodeOctets {
            encoded = try reader.nextEncoded(scratch: octets)
            count = encoded.count
          } else {
            count = try reader.readSamples(into: samples, channels: channels)
          }
        } catch {
          failure = error
          break
        }
        if count == 0 { break }
        if decodeOctets, let law {
          try writer.write(decoding: encoded, law)
        } else {
          try writer.write(samples: UnsafeBufferPointer(rebasing: samples[0..<count]))
        }
        frames += UInt64(count)
        progress?(frames)
      }
      try writer.finish()
    } catch {
      throw .output(error)
    }
    if let failure { throw .input(failure) }
    return frames
  }
}
