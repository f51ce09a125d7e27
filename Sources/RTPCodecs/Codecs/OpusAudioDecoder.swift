import COpus

/// Opus (RFC 7587) through libopus: a 48 kHz RTP clock whatever the audio's bandwidth, one Opus
/// packet per RTP payload, mono or stereo (two channels when the format parameters say
/// `stereo=1` or `sprop-stereo=1`, else one: libopus downmixes a stereo packet). Losses are
/// concealed by libopus's PLC and, when the packet after a loss carries in-band FEC, the last
/// lost packet is recovered from it.
public final class OpusAudioDecoder: AudioDecoder {
  public let format: PayloadFormat
  public var sampleRate: Int { 48000 }
  public let channels: Int
  public var concealsLoss: Bool { true }
  private let decoder: OpaquePointer

  /// The most audio one Opus packet holds: 120 ms at 48 kHz.
  public static let maximumPacketFrames = 5760

  /// A decoder of `format`.
  ///
  /// - Throws: ``CodecError/library(call:message:)`` when libopus cannot make a decoder.
  public init(format: PayloadFormat) throws(CodecError) {
    self.format = format
    let stereo = format.parameters["stereo"] == "1" || format.parameters["sprop-stereo"] == "1"
    channels = stereo ? 2 : 1
    var error: Int32 = 0
    guard let made = opus_decoder_create(48000, Int32(channels), &error), error == OPUS_OK else {
      throw .library(call: "opus_decoder_create", message: Self.message(error))
    }
    decoder = made
  }

  deinit { opus_decoder_destroy(decoder) }

  public func maximumFrames(payloadBytes: Int) -> Int { Self.maximumPacketFrames }

  public func decode(
    _ payload: UnsafeRawBufferPointer, into output: UnsafeMutableBufferPointer<Int16>
  ) throws(CodecError) -> Int {
    guard let base = payload.baseAddress, !payload.isEmpty, let samples = output.baseAddress
    else {
      throw .corrupt("an empty Opus payload")
    }
    let frames = opus_decode(
      decoder, base.assumingMemoryBound(to: UInt8.self), Int32(payload.count),
      samples, Int32(Self.maximumPacketFrames), 0)
    guard frames >= 0 else { throw .corrupt("libopus: \(Self.message(frames))") }
    return Int(frames)
  }

  public func conceal(
    frames: Int, next: UnsafeRawBufferPointer?, into output: UnsafeMutableBufferPointer<Int16>
  ) -> Int {
    // libopus conceals in multiples of 2.5 ms; the rest of an odd gap is silence.
    let unit = 120
    var remaining = frames / unit * unit
    var written = 0
    var recovered = 0
    if let next, let base = next.baseAddress, !next.isEmpty {
      let duration = Int(
        opus_packet_get_nb_samples(
          base.assumingMemoryBound(to: UInt8.self), Int32(next.count), 48000))
      if duration > 0 && duration <= remaining { recovered = duration }
    }
    while remaining - recovered > 0 {
      let step = min(remaining - recovered, Self.maximumPacketFrames)
      let made = opus_decode(
        decoder, nil, 0, output.baseAddress! + written * channels, Int32(step), 0)
      guard made > 0 else { break }
      written += Int(made)
      remaining -= Int(made)
    }
    if recovered > 0, let base = next?.baseAddress {
      let made = opus_decode(
        decoder, base.assumingMemoryBound(to: UInt8.self), Int32(next!.count),
        output.baseAddress! + written * channels, Int32(recovered), 1)
      if made > 0 { written += Int(made) }
    }
    let end = frames * channels
    var position = written * channels
    while position < end {
      output[position] = 0
      position += 1
    }
    return frames
  }

  public func reset() { _ = rtpsynth_opus_decoder_reset(decoder) }

  private static func message(_ code: Int32) -> String {
    String(cString: opus_strerror(code))
  }
}
