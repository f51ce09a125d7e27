import CGSM

/// GSM 06.10 full rate (RFC 3551 §4.5.8) through libgsm: 8000 Hz mono, each 20 ms frame of 160
/// samples packed in 33 bytes whose first nibble is the signature 0xD, one or more frames per
/// payload.
///
/// A payload that is not a whole number of 33-byte frames, or has a frame without the
/// signature, is corrupt; the decoder's history is then untouched, as for a lost packet.
/// Losses are concealed by repeat and fade, in the manner GSM 06.11 recommends: the last good
/// frame is decoded again for each lost one, at full level for the first 20 ms of the loss and
/// then a quarter quieter every 20 ms, silent after 100 ms.
public final class GSMDecoder: AudioDecoder {
  public let format: PayloadFormat
  public var sampleRate: Int { 8000 }
  public var channels: Int { 1 }
  public var concealsLoss: Bool { true }

  /// The bytes of one frame.
  public static let frameBytes = 33
  /// The samples of one frame.
  public static let frameSamples = 160
  /// The gains of successive concealed frames; silence after the last.
  static let fadeGains: [Float] = [1, 0.75, 0.5, 0.25]

  private var state: OpaquePointer
  /// The last good frame, repeated in a loss.
  private let lastFrame: UnsafeMutablePointer<UInt8>
  private var hasLastFrame = false
  /// A concealed frame, of which `pendingOffset..<frameSamples` are still to be written.
  private let pending: UnsafeMutablePointer<Int16>
  private var pendingOffset = GSMDecoder.frameSamples
  /// Frames concealed since the last good one.
  private var concealedFrames = 0

  /// A decoder of `format` (GSM/8000, mono).
  ///
  /// - Throws: ``CodecError/invalidParameters(_:_:)`` for another clock rate or channel count,
  ///   ``CodecError/library(call:message:)`` when libgsm cannot make a decoder.
  public init(format: PayloadFormat) throws(CodecError) {
    guard format.clockRate == 8000, format.channels == 1 else {
      throw .invalidParameters(format, "GSM is 8000 Hz mono (RFC 3551)")
    }
    guard let made = gsm_create() else {
      throw .library(call: "gsm_create", message: "out of memory")
    }
    self.format = format
    state = made
    lastFrame = .allocate(capacity: Self.frameBytes)
    lastFrame.initialize(repeating: 0, count: Self.frameBytes)
    pending = .allocate(capacity: Self.frameSamples)
    pending.initialize(repeating: 0, count: Self.frameSamples)
  }

  deinit {
    gsm_destroy(state)
    lastFrame.deallocate()
    pending.deallocate()
  }

  public func maximumFrames(payloadBytes: Int) -> Int {
    payloadBytes / Self.frameBytes * Self.frameSamples
  }

  public func decode(
    _ payload: UnsafeRawBufferPointer, into output: UnsafeMutableBufferPointer<Int16>
  ) throws(CodecError) -> Int {
    guard !payload.isEmpty, payload.count % Self.frameBytes == 0 else {
      throw .corrupt(
        "a GSM payload of \(payload.count) bytes is not a whole number of 33-byte frames")
    }
    let count = payload.count / Self.frameBytes
    for frame in 0..<count where payload[frame * Self.frameBytes] >> 4 != 0xD {
      throw .corrupt("GSM frame \(frame + 1) of \(count) lacks the 0xD signature")
    }
    guard let base = payload.baseAddress, let samples = output.baseAddress else { return 0 }
    let bytes = UnsafeMutablePointer(mutating: base.assumingMemoryBound(to: UInt8.self))
    for frame in 0..<count {
      let source = bytes + frame * Self.frameBytes
      guard gsm_decode(state, source, samples + frame * Self.frameSamples) == 0 else {
        throw .corrupt("libgsm refused GSM frame \(frame + 1) of \(count)")
      }
    }
    lastFrame.update(from: bytes + (count - 1) * Self.frameBytes, count: Self.frameBytes)
    hasLastFrame = true
    concealedFrames = 0
    pendingOffset = Self.frameSamples
    return count * Self.frameSamples
  }

  public func conceal(
    frames: Int, next: UnsafeRawBufferPointer?, into output: UnsafeMutableBufferPointer<Int16>
  ) -> Int {
    var written = 0
    while written < frames {
      if pendingOffset == Self.frameSamples { concealFrame() }
      let step = min(frames - written, Self.frameSamples - pendingOffset)
      for index in 0..<step { output[written + index] = pending[pendingOffset + index] }
      written += step
      pendingOffset += step
    }
    return frames
  }

  /// Makes the next concealed frame in `pending`.
  private func concealFrame() {
    pendingOffset = 0
    let gain =
      concealedFrames < Self.fadeGains.count ? Self.fadeGains[concealedFrames] : Float(0)
    concealedFrames += 1
    guard hasLastFrame, gain > 0, gsm_decode(state, lastFrame, pending) == 0 else {
      pending.update(repeating: 0, count: Self.frameSamples)
      return
    }
    guard gain < 1 else { return }
    for index in 0..<Self.frameSamples {
      pending[index] = Int16((Float(pending[index]) * gain).rounded())
    }
  }

  public func reset() {
    if let fresh = gsm_create() {
      gsm_destroy(state)
      state = fresh
    }
    hasLastFrame = false
    concealedFrames = 0
    pendingOffset = Self.frameSamples
  }
}
