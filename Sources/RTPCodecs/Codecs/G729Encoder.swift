import CBcg729

/// G.729A with Annex B (RFC 3551 §4.5.6) through bcg729: 8000 Hz mono audio in 10 ms frames of
/// 80 samples, each packed in 10 bytes, as many frames per payload as the packet time holds.
///
/// With discontinuous transmission (``EncoderSettings/discontinuousTransmission``, unless the
/// format parameters say `annexb=no`) bcg729's voice activity detector decides each frame: a
/// speech frame, a 2-byte SID frame (comfort-noise parameters) or nothing. A payload holds the
/// packet's speech frames then at most one SID, last, as RFC 3551 requires; a SID followed by
/// speech in the same packet is left out, and frames not sent ahead of a sent one are left
/// out, so that the speech that follows them starts up to one packet early. A packet of which
/// no frame is sent has an empty payload (nothing is sent).
public final class G729Encoder: AudioEncoder {
  public let format: PayloadFormat
  public var sampleRate: Int { 8000 }
  public var channels: Int { 1 }
  public var frameSize: Int { G729Decoder.frameSamples }
  /// Whether bcg729's voice activity detection and discontinuous transmission are on.
  public let discontinuous: Bool
  private var channel: OpaquePointer
  /// One frame's bit stream, as bcg729 writes it.
  private let frame: UnsafeMutablePointer<UInt8>

  /// An encoder of `format` (G729/8000, mono) with `settings`' DTX.
  ///
  /// - Throws: ``CodecError/invalidParameters(_:_:)`` for another clock rate or channel count,
  ///   ``CodecError/library(call:message:)`` when bcg729 cannot make an encoder.
  public init(format: PayloadFormat, settings: EncoderSettings) throws(CodecError) {
    guard format.clockRate == 8000, format.channels == 1 else {
      throw .invalidParameters(format, "G.729 is 8000 Hz mono (RFC 3551)")
    }
    let annexB = format.parameters["annexb"]?.lowercased() != "no"
    discontinuous = settings.discontinuousTransmission && annexB
    guard let made = initBcg729EncoderChannel(discontinuous ? 1 : 0) else {
      throw .library(call: "initBcg729EncoderChannel", message: "out of memory")
    }
    self.format = format
    channel = made
    frame = .allocate(capacity: G729Decoder.frameBytes)
    frame.initialize(repeating: 0, count: G729Decoder.frameBytes)
  }

  deinit {
    closeBcg729EncoderChannel(channel)
    frame.deallocate()
  }

  public func problem(packetFrames frames: Int) -> String? {
    guard frames > 0, frames % frameSize == 0 else {
      return "a G.729 packet is a whole number of 10 ms frames"
    }
    return nil
  }

  public func maximumPayloadBytes(frames: Int) -> Int {
    frames / frameSize * G729Decoder.frameBytes
  }

  public func encode(
    _ samples: UnsafeBufferPointer<Int16>, into payload: UnsafeMutableRawBufferPointer
  ) throws(CodecError) -> Int {
    guard let input = samples.baseAddress, let output = payload.baseAddress else { return 0 }
    let bytes = output.assumingMemoryBound(to: UInt8.self)
    var length = 0
    var endsWithSID = false
    for index in 0..<(samples.count / frameSize) {
      var made: UInt8 = 0
      bcg729Encoder(channel, input + index * frameSize, frame, &made)
      let count = Int(made)
      guard count == G729Decoder.frameBytes || count == G729Decoder.sidBytes else { continue }
      // A SID is only ever last: a later frame replaces it.
      if endsWithSID { length -= G729Decoder.sidBytes }
      (bytes + length).update(from: frame, count: count)
      length += count
      endsWithSID = count == G729Decoder.sidBytes
    }
    return length
  }

  public func reset() {
    if let fresh = initBcg729EncoderChannel(discontinuous ? 1 : 0) {
      closeBcg729EncoderChannel(channel)
      channel = fresh
    }
  }
}
