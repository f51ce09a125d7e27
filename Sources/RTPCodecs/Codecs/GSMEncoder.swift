import CGSM

/// GSM 06.10 full rate (RFC 3551 §4.5.8) through libgsm: 8000 Hz mono audio in 20 ms frames of
/// 160 samples, each packed in 33 bytes, as many frames per payload as the packet time holds.
/// GSM has no discontinuous transmission in RTP: every packet is sent.
public final class GSMEncoder: AudioEncoder {
  public let format: PayloadFormat
  public var sampleRate: Int { 8000 }
  public var channels: Int { 1 }
  public var frameSize: Int { GSMDecoder.frameSamples }
  private var state: OpaquePointer
  /// One frame's samples: libgsm's encoder takes a mutable buffer.
  private let frame: UnsafeMutablePointer<Int16>

  /// An encoder of `format` (GSM/8000, mono).
  ///
  /// - Throws: ``CodecError/invalidParameters(_:_:)`` for another clock rate or channel count,
  ///   ``CodecError/library(call:message:)`` when libgsm cannot make an encoder.
  public init(format: PayloadFormat) throws(CodecError) {
    guard format.clockRate == 8000, format.channels == 1 else {
      throw .invalidParameters(format, "GSM is 8000 Hz mono (RFC 3551)")
    }
    guard let made = gsm_create() else {
      throw .library(call: "gsm_create", message: "out of memory")
    }
    self.format = format
    state = made
    frame = .allocate(capacity: GSMDecoder.frameSamples)
    frame.initialize(repeating: 0, count: GSMDecoder.frameSamples)
  }

  deinit {
    gsm_destroy(state)
    frame.deallocate()
  }

  public func problem(packetFrames frames: Int) -> String? {
    guard frames > 0, frames % frameSize == 0 else {
      return "a GSM packet is a whole number of 20 ms frames"
    }
    return nil
  }

  public func maximumPayloadBytes(frames: Int) -> Int {
    frames / frameSize * GSMDecoder.frameBytes
  }

  public func encode(
    _ samples: UnsafeBufferPointer<Int16>, into payload: UnsafeMutableRawBufferPointer
  ) throws(CodecError) -> Int {
    guard let input = samples.baseAddress, let output = payload.baseAddress else { return 0 }
    let count = samples.count / frameSize
    let bytes = output.assumingMemoryBound(to: UInt8.self)
    for index in 0..<count {
      frame.update(from: input + index * frameSize, count: frameSize)
      gsm_encode(state, frame, bytes + index * GSMDecoder.frameBytes)
    }
    return count * GSMDecoder.frameBytes
  }

  public func reset() {
    if let fresh = gsm_create() {
      gsm_destroy(state)
      state = fresh
    }
  }
}
