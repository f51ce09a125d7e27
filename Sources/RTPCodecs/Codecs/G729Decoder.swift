import CBcg729

/// G.729 and G.729A with Annex B (RFC 3551 §4.5.6) through bcg729: 8000 Hz mono, 10 ms frames
/// of 80 samples in 10 bytes each, and, unless the format parameters say `annexb=no`, a
/// 2-byte Annex B SID frame that may end a payload and decodes to one frame of comfort noise.
/// The two variants share one bit stream, so one decoder takes both.
///
/// A payload of any other length is corrupt (the decoder's history is untouched, as for a lost
/// packet). Losses are concealed by bcg729's own frame-erasure concealment, one 10 ms frame at
/// a time; after a SID, an erasure continues the comfort noise.
public final class G729Decoder: AudioDecoder {
  public let format: PayloadFormat
  public var sampleRate: Int { 8000 }
  public var channels: Int { 1 }
  public var concealsLoss: Bool { true }
  /// Whether Annex B SID frames are accepted (`annexb` is not `no`).
  public let acceptsSID: Bool
  /// Whether the last payload decoded ended in a SID frame: the sender is in a silence period.
  private var silent = false

  /// The bytes of one speech frame.
  public static let frameBytes = 10
  /// The bytes of one Annex B SID frame.
  public static let sidBytes = 2
  /// The samples of one frame.
  public static let frameSamples = 80

  private var channel: OpaquePointer
  /// A concealed frame, of which `pendingOffset..<frameSamples` are still to be written.
  private let pending: UnsafeMutablePointer<Int16>
  private var pendingOffset = G729Decoder.frameSamples

  /// A decoder of `format` (G729/8000, mono).
  ///
  /// - Throws: ``CodecError/invalidParameters(_:_:)`` for another clock rate or channel count,
  ///   ``CodecError/library(call:message:)`` when bcg729 cannot make a decoder.
  public init(format: PayloadFormat) throws(CodecError) {
    guard format.clockRate == 8000, format.channels == 1 else {
      throw .invalidParameters(format, "G.729 is 8000 Hz mono (RFC 3551)")
    }
    guard let made = initBcg729DecoderChannel() else {
      throw .library(call: "initBcg729DecoderChannel", message: "out of memory")
    }
    self.format = format
    acceptsSID = format.parameters["annexb"]?.lowercased() != "no"
    channel = made
    pending = .allocate(capacity: Self.frameSamples)
    pending.initialize(repeating: 0, count: Self.frameSamples)
  }

  deinit {
    closeBcg729DecoderChannel(channel)
    pending.deallocate()
  }

  public func maximumFrames(payloadBytes: Int) -> Int {
    (payloadBytes / Self.frameBytes + 1) * Self.frameSamples
  }

  public func decode(
    _ payload: UnsafeRawBufferPointer, into output: UnsafeMutableBufferPointer<Int16>
  ) throws(CodecError) -> Int {
    let speech = payload.count / Self.frameBytes
    let rest = payload.count % Self.frameBytes
    guard !payload.isEmpty, rest == 0 || (rest == Self.sidBytes && acceptsSID) else {
      let allowed = acceptsSID ? "10-byte frames and an optional 2-byte SID" : "10-byte frames"
      throw .corrupt("a G.729 payload of \(payload.count) bytes is not \(allowed)")
    }
    guard let base = payload.baseAddress, let samples = output.baseAddress else { return 0 }
    let bytes = base.assumingMemoryBound(to: UInt8.self)
    for frame in 0..<speech {
      bcg729Decoder(
        channel, bytes + frame * Self.frameBytes, UInt8(Self.frameBytes), 0, 0, 0,
        samples + frame * Self.frameSamples)
    }
    var frames = speech
    silent = rest == Self.sidBytes
    if rest == Self.sidBytes {
      bcg729Decoder(
        channel, bytes + speech * Self.frameBytes, UInt8(Self.sidBytes), 0, 1, 0,
        samples + speech * Self.frameSamples)
      frames += 1
    }
    pendingOffset = Self.frameSamples
    return frames * Self.frameSamples
  }

  public func conceal(
    frames: Int, next: UnsafeRawBufferPointer?, into output: UnsafeMutableBufferPointer<Int16>
  ) -> Int {
    var written = 0
    while written < frames {
      if pendingOffset == Self.frameSamples {
        bcg729Decoder(channel, nil, 0, 1, 0, 0, pending)
        pendingOffset = 0
      }
      let step = min(frames - written, Self.frameSamples - pendingOffset)
      for index in 0..<step { output[written + index] = pending[pendingOffset + index] }
      written += step
      pendingOffset += step
    }
    return frames
  }

  /// After a SID frame, bcg729 continues its comfort noise for frames not sent, as for erased
  /// ones.
  public func comfortNoise(frames: Int, into output: UnsafeMutableBufferPointer<Int16>) -> Int {
    guard silent else { return 0 }
    return conceal(frames: frames, next: nil, into: output)
  }

  public func reset() {
    silent = false
    if let fresh = initBcg729DecoderChannel() {
      closeBcg729DecoderChannel(channel)
      channel = fresh
    }
    pendingOffset = Self.frameSamples
  }
}
