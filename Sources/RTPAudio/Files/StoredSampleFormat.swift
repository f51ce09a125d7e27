/// How one sample of one channel is laid out in a WAV data chunk or raw stream, and how it
/// becomes a 16-bit sample.
///
/// Wider integers and floats are reduced to 16 bits as sox reduces them without dither (round
/// half up, clip at the top), so that sox is an exact oracle for them.
enum StoredSampleFormat: Sendable, Hashable {
  case unsigned8
  case signed16
  case signed24
  case signed32
  case float32
  case float64
  case ulaw
  case alaw

  /// Bytes per sample of one channel.
  var bytesPerSample: Int {
    switch self {
    case .unsigned8, .ulaw, .alaw: return 1
    case .signed16: return 2
    case .signed24: return 3
    case .signed32, .float32: return 4
    case .float64: return 8
    }
  }

  /// What the reader reports as the stream's encoding.
  var encoding: AudioEncoding {
    switch self {
    case .ulaw: return .ulaw
    case .alaw: return .alaw
    default: return .pcm16
    }
  }

  /// The stored layout of a stream encoded as `encoding` (raw input).
  init(_ encoding: AudioEncoding) {
    switch encoding {
    case .pcm16: self = .signed16
    case .ulaw: self = .ulaw
    case .alaw: self = .alaw
    }
  }

  /// Converts `frames` whole frames of `channels` interleaved samples at `source` into one
  /// 16-bit sample per frame at `target`, as `pick` says.
  func convert(
    _ source: UnsafeRawPointer, frames: Int, channels: Int, pick: ChannelPick,
    into target: UnsafeMutablePointer<Int16>
  ) {
    switch self {
    case .signed16:
      if channels == 1 {
        // Little-endian hosts only (x86-64, arm64): stored order is host order.
        UnsafeMutableRawPointer(target).copyMemory(from: source, byteCount: frames * 2)
        return
      }
      gather(source, frames, channels, pick, target, 2) { Int32($0.loadUnaligned(as: Int16.self)) }
    case .unsigned8:
      gather(source, frames, channels, pick, target, 1) {
        (Int32($0.load(as: UInt8.self)) - 128) << 8
      }
    case .signed24:
      gather(source, frames, channels, pick, target, 3) { pointer in
        let value =
          Int32(pointer.load(as: UInt8.self)) | Int32(
            pointer.load(fromByteOffset: 1, as: UInt8.self)) << 8
          | Int32(pointer.load(fromByteOffset: 2, as: Int8.self)) << 16
        return Self.reduce32(value << 8)
      }
    case .signed32:
      gather(source, frames, channels, pick, target, 4) {
        Self.reduce32($0.loadUnaligned(as: Int32.self))
      }
    case .float32:
      gather(source, frames, channels, pick, target, 4) {
        Self.reduce32(Self.round(Double($0.loadUnaligned(as: Float.self))))
      }
    case .float64:
      gather(source, frames, channels, pick, target, 8) {
        Self.reduce32(Self.round($0.loadUnaligned(as: Double.self)))
      }
    case .ulaw:
      G711.ulawDecodeTable.withUnsafeBufferPointer { table in
        gather(source, frames, channels, pick, target, 1) {
          Int32(table[Int($0.load(as: UInt8.self))])
        }
      }
    case .alaw:
      G711.alawDecodeTable.withUnsafeBufferPointer { table in
        gather(source, frames, channels, pick, target, 1) {
          Int32(table[Int($0.load(as: UInt8.self))])
        }
      }
    }
  }

  /// A 32-bit sample reduced to 16 bits as sox does: round half up, clip at the top.
  @inline(__always)
  static func reduce32(_ value: Int32) -> Int32 {
    value > Int32.max - 0x8000 ? 32767 : (value + 0x8000) >> 16
  }

  /// A float sample scaled to 32 bits as sox does: rounded to nearest, clipped to Int32's range.
  @inline(__always)
  static func round(_ value: Double) -> Int32 {
    let scaled = value * 2_147_483_648.0
    if scaled.isNaN { return 0 }
    if scaled < 0 {
      return scaled <= -2_147_483_648.5 ? Int32.min : Int32(scaled - 0.5)
    }
    return scaled >= 2_147_483_647.5 ? Int32.max : Int32(scaled + 0.5)
  }
}

/// Which channel of a frame to keep, resolved from a ``ChannelSelection`` for one stream.
enum ChannelPick: Sendable, Hashable {
  case mix
  case index(Int)

  /// Resolves `selection` for a stream of `channels` channels.
  init(_ selection: ChannelSelection, channels: Int) throws(AudioError) {
    switch selection {
    case .mix:
      self = channels == 1 ? .index(0) : .mix
    case .channel(let number):
      guard number >= 1 && number <= channels else {
        throw .noSuchChannel(requested: number, channels: channels)
      }
      self = .index(number - 1)
    }
  }
}

/// Reads each frame's samples with `load` and writes their mean, or the one picked.
@inline(__always)
private func gather(
  _ source: UnsafeRawPointer, _ frames: Int, _ channels: Int, _ pick: ChannelPick,
  _ target: UnsafeMutablePointer<Int16>, _ width: Int, _ load: (UnsafeRawPointer) -> Int32
) {
  let frameBytes = width * channels
  switch pick {
  case .index(let channel):
    var pointer = source + channel * width
    for frame in 0..<frames {
      target[frame] = Int16(truncatingIfNeeded: load(pointer))
      pointer += frameBytes
    }
  case .mix:
    let count = Int32(channels)
    let half = count / 2
    var pointer = source
    for frame in 0..<frames {
      var sum: Int32 = 0
      for channel in 0..<channels {
        sum &+= load(pointer + channel * width)
      }
      let mean = sum >= 0 ? (sum + half) / count : (sum - half) / count
      target[frame] = Int16(truncatingIfNeeded: mean)
      pointer += frameBytes
    }
  }
}
