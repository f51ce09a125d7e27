import RTPPlayout
import SystemPackage

/// Puts two decoded directions, each in a raw 16-bit file of its own (mono, or stereo mixed
/// down), side by side as the two channels of one stream, each after its offset of silence,
/// a block at a time.
enum StereoInterleaver {
  /// Frames interleaved per block.
  static let blockFrames = 8192

  /// Writes the channels of `sources` (nil: silence) into `sink`, until both have ended.
  static func interleave(
    _ sources: [(file: FileDescriptor, channels: Int, offset: Int)?], into sink: AudioFileSink
  ) throws {
    var readers = sources.map { source in source.map { Reader($0.file, $0.channels, $0.offset) } }
    var block = [Int16](repeating: 0, count: blockFrames * 2)
    while true {
      var frames = 0
      for channel in 0..<2 {
        for frame in 0..<blockFrames { block[frame * 2 + channel] = 0 }
        // In place, so that the reader's buffer is never shared and copied.
        guard readers[channel] != nil else { continue }
        let produced = try readers[channel]!.next(
          into: &block, channel: channel, frames: blockFrames)
        frames = max(frames, produced)
      }
      guard frames > 0 else { return }
      try block.withUnsafeBufferPointer { samples in
        try sink.write(UnsafeBufferPointer(rebasing: samples[0..<(frames * 2)]))
      }
    }
  }

  /// One direction's samples: its offset of silence, then its file, mixed to mono.
  struct Reader {
    let file: FileDescriptor
    let channels: Int
    var silence: Int
    var ended = false
    var bytes: [UInt8] = []

    init(_ file: FileDescriptor, _ channels: Int, _ offset: Int) {
      self.file = file
      self.channels = max(channels, 1)
      silence = max(offset, 0)
      _ = try? file.seek(offset: 0, from: .start)
    }

    /// Writes up to `frames` frames of this direction into `block`'s `channel`; returns how
    /// many frames carried something (0 once it has ended).
    mutating func next(into block: inout [Int16], channel: Int, frames: Int) throws -> Int {
      var frame = 0
      while frame < frames && silence > 0 {
        silence -= 1
        frame += 1
      }
      guard !ended else { return frame }
      let wanted = (frames - frame) * channels * 2
      if bytes.count < wanted { bytes = [UInt8](repeating: 0, count: wanted) }
      var got = 0
      while got < wanted {
        let count = try bytes.withUnsafeMutableBytes { buffer in
          try file.read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[got..<wanted]))
        }
        if count == 0 { break }
        got += count
      }
      let whole = got / (channels * 2)
      if whole < frames - frame { ended = true }
      for index in 0..<whole {
        var sum = 0
        for part in 0..<channels {
          let at = (index * channels + part) * 2
          sum += Int(Int16(bitPattern: UInt16(bytes[at]) | UInt16(bytes[at + 1]) << 8))
        }
        block[(frame + index) * 2 + channel] = Int16(sum / channels)
      }
      return frame + whole
    }
  }
}
