import COpus

/// Opus (RFC 7587) through libopus: one Opus packet per RTP payload on the 48 kHz clock, of
/// 2.5 to 120 ms, from 8, 12, 16, 24 or 48 kHz audio (`sprop-maxcapturerate`, default 48000),
/// mono or stereo (`stereo=1`). In-band FEC is on, so that a decoder can recover a lost packet
/// from the next; with DTX, the frames libopus marks as silence (two bytes or fewer) are not
/// sent, as RFC 7587 §3.1.3 allows.
public final class OpusAudioEncoder: AudioEncoder {
  public let format: PayloadFormat
  public let sampleRate: Int
  public let channels: Int
  public var frameSize: Int { sampleRate / 400 }
  private let encoder: OpaquePointer
  private let discontinuous: Bool

  /// The input rates libopus encodes.
  public static let inputRates = [8000, 12000, 16000, 24000, 48000]

  /// An encoder of `format` with `settings`' bit rate (6000 to 510000; libopus's default when
  /// `nil`) and DTX.
  ///
  /// - Throws: ``CodecError/invalidParameters(_:_:)`` for a clock other than 48000, a capture
  ///   rate libopus does not take or a bit rate out of range; ``CodecError/library(call:message:)``
  ///   when libopus cannot make an encoder.
  public init(format: PayloadFormat, settings: EncoderSettings) throws(CodecError) {
    guard format.clockRate == 48000 else {
      throw .invalidParameters(format, "Opus's RTP clock is always 48000 (RFC 7587)")
    }
    let rate = format.parameters["sprop-maxcapturerate"].flatMap { Int($0) } ?? 48000
    guard Self.inputRates.contains(rate) else {
      throw .invalidParameters(
        format, "libopus encodes audio at 8000, 12000, 16000, 24000 or 48000 Hz, not \(rate)")
    }
    if let bitrate = settings.bitrate, !(6000...510_000).contains(bitrate) {
      throw .invalidParameters(format, "an Opus bit rate is 6000 to 510000 bit/s")
    }
    self.format = format
    sampleRate = rate
    channels = format.parameters["stereo"] == "1" ? 2 : 1
    discontinuous = settings.discontinuousTransmission
    var error: Int32 = 0
    guard
      let made = opus_encoder_create(
        Int32(rate), Int32(channels), OPUS_APPLICATION_VOIP, &error),
      error == OPUS_OK
    else {
      throw .library(call: "opus_encoder_create", message: Self.message(error))
    }
    encoder = made
    if let bitrate = settings.bitrate {
      _ = rtpsynth_opus_encoder_set_bitrate(encoder, Int32(bitrate))
    }
    _ = rtpsynth_opus_encoder_set_inband_fec(encoder, 1)
    _ = rtpsynth_opus_encoder_set_packet_loss_perc(encoder, 10)
    if discontinuous { _ = rtpsynth_opus_encoder_set_dtx(encoder, 1) }
  }

  deinit { opus_encoder_destroy(encoder) }

  public func problem(packetFrames frames: Int) -> String? {
    let unit = frameSize
    let allowed = [1, 2, 4, 8, 16, 24, 32, 40, 48]
    guard frames % unit == 0, allowed.contains(frames / unit) else {
      return "an Opus packet is 2.5, 5, 10, 20, 40, 60, 80, 100 or 120 ms"
    }
    return nil
  }

  public func maximumPayloadBytes(frames: Int) -> Int { 1500 }

  public func encode(
    _ samples: UnsafeBufferPointer<Int16>, into payload: UnsafeMutableRawBufferPointer
  ) throws(CodecError) -> Int {
    guard let input = samples.baseAddress, let output = payload.baseAddress else { return 0 }
    let frames = samples.count / channels
    let made = opus_encode(
      encoder, input, Int32(frames), output.assumingMemoryBound(to: UInt8.self),
      Int32(payload.count))
    guard made >= 0 else {
      throw .library(call: "opus_encode", message: Self.message(made))
    }
    if discontinuous && made <= 2 { return 0 }
    return Int(made)
  }

  public func reset() { _ = rtpsynth_opus_encoder_reset(encoder) }

  private static func message(_ code: Int32) -> String {
    String(cString: opus_strerror(code))
  }
}
