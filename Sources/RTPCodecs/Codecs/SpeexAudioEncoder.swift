import CSpeex

/// Speex (RFC 5574) through libspeex: a packet of whole 20 ms frames, bit-packed one after the
/// other and padded to an octet with the terminator the RFC describes. Narrowband, wideband or
/// ultra-wideband by the clock rate; the bit rate from the settings (else quality 8, libspeex's
/// and GStreamer's default); variable bit rate with `vbr=on`; DTX (VAD with discontinuous
/// transmission) with the settings' DTX or `vbr=vad`, sending nothing for silent packets.
public final class SpeexAudioEncoder: AudioEncoder {
  public let format: PayloadFormat
  public var sampleRate: Int { format.clockRate }
  public var channels: Int { 1 }
  public let frameSize: Int
  /// The most bytes one Speex frame takes at any mode's top rate (ultra-wideband, 44.2 kbit/s).
  static let maximumFrameBytes = 128

  private let state: UnsafeMutableRawPointer
  private let bits: UnsafeMutablePointer<SpeexBits>
  private let frame: UnsafeMutableBufferPointer<Int16>

  /// An encoder of `format` with `settings`.
  ///
  /// - Throws: ``CodecError/invalidParameters(_:_:)`` for a rate other than 8000, 16000 or 32000,
  ///   more than one channel or a bit rate outside 2150 to 44200 bit/s;
  ///   ``CodecError/library(call:message:)`` when libspeex fails.
  public init(format: PayloadFormat, settings: EncoderSettings) throws(CodecError) {
    let mode = try SpeexBand.mode(for: format)
    if let bitrate = settings.bitrate, !(2150...44200).contains(bitrate) {
      throw .invalidParameters(format, "Speex's bit rates are 2150 to 44200 bit/s")
    }
    guard let made = speex_encoder_init(mode) else {
      throw .library(call: "speex_encoder_init", message: "no encoder")
    }
    self.format = format
    state = made
    var size: Int32 = 0
    speex_encoder_ctl(state, SPEEX_GET_FRAME_SIZE, &size)
    frameSize = Int(size)
    let vbr = format.parameters["vbr"]?.lowercased()
    if vbr == "on" {
      var on: Int32 = 1
      speex_encoder_ctl(state, SPEEX_SET_VBR, &on)
    }
    if let bitrate = settings.bitrate {
      var rate = Int32(bitrate)
      speex_encoder_ctl(state, SPEEX_SET_BITRATE, &rate)
    } else {
      var quality: Int32 = 8
      speex_encoder_ctl(state, SPEEX_SET_QUALITY, &quality)
    }
    if settings.discontinuousTransmission || vbr == "vad" {
      var on: Int32 = 1
      speex_encoder_ctl(state, SPEEX_SET_VAD, &on)
      speex_encoder_ctl(state, SPEEX_SET_DTX, &on)
    }
    bits = .allocate(capacity: 1)
    speex_bits_init(bits)
    frame = .allocate(capacity: max(frameSize, 1))
  }

  deinit {
    speex_bits_destroy(bits)
    bits.deallocate()
    frame.deallocate()
    speex_encoder_destroy(state)
  }

  public func problem(packetFrames frames: Int) -> String? {
    guard frames >= frameSize, frames % frameSize == 0 else {
      return "Speex packets hold whole 20 ms frames of \(frameSize) samples"
    }
    return nil
  }

  public func maximumPayloadBytes(frames: Int) -> Int {
    (frames / max(frameSize, 1)) * Self.maximumFrameBytes + 1
  }

  public func encode(
    _ samples: UnsafeBufferPointer<Int16>, into payload: UnsafeMutableRawBufferPointer
  ) throws(CodecError) -> Int {
    guard let input = samples.baseAddress, let scratch = frame.baseAddress,
      let output = payload.baseAddress
    else { return 0 }
    speex_bits_reset(bits)
    var transmitted = false
    var position = 0
    while position + frameSize <= samples.count {
      // libspeex may overwrite the frame it encodes: give it a copy.
      scratch.update(from: input + position, count: frameSize)
      if speex_encode_int(state, scratch, bits) != 0 { transmitted = true }
      position += frameSize
    }
    guard transmitted else { return 0 }
    speex_bits_insert_terminator(bits)
    let written = speex_bits_write(
      bits, output.assumingMemoryBound(to: CChar.self), Int32(payload.count))
    guard written > 0 else {
      throw .library(call: "speex_bits_write", message: "the payload does not fit")
    }
    return Int(written)
  }

  public func reset() {
    var unused: Int32 = 0
    speex_encoder_ctl(state, SPEEX_RESET_STATE, &unused)
  }
}
