import CSpanDSP

/// G.722 (RFC 3551 §4.5.2) through spandsp: 16 kHz audio encoded at 64 kbit/s, two samples to
/// an octet, on the 8000 Hz RTP clock (so a 20 ms packet is 160 octets and 160 timestamp
/// units). A packet is any whole number of octets.
public final class G722Encoder: AudioEncoder {
  public let format: PayloadFormat
  public var sampleRate: Int { 16000 }
  public var channels: Int { 1 }
  public var frameSize: Int { 2 }
  private let state: OpaquePointer

  /// An encoder of `format` (`G722/8000`, mono); `settings`' bit rate, when given, must be
  /// 64000, the payload format's.
  ///
  /// - Throws: ``CodecError/invalidParameters(_:_:)`` for a clock other than 8000, more than one
  ///   channel or another bit rate; ``CodecError/library(call:message:)`` when spandsp cannot
  ///   make an encoder.
  public init(format: PayloadFormat, settings: EncoderSettings) throws(CodecError) {
    guard format.clockRate == 8000 else {
      throw .invalidParameters(
        format, "G.722's RTP clock is 8000 for its 16 kHz audio (RFC 3551 §4.5.2)")
    }
    guard format.channels == 1 else {
      throw .invalidParameters(format, "G.722 is encoded in mono only")
    }
    if let bitrate = settings.bitrate, bitrate != Int(G722Decoder.bitRate) {
      throw .invalidParameters(format, "G.722's RTP payload format is 64000 bit/s only")
    }
    guard let made = g722_encode_init(nil, G722Decoder.bitRate, 0) else {
      throw .library(call: "g722_encode_init", message: "no encoder state")
    }
    self.format = format
    state = made
  }

  deinit { _ = g722_encode_free(state) }

  public func problem(packetFrames frames: Int) -> String? {
    frames % 2 == 0 ? nil : "a G.722 packet is whole octets of two 16 kHz samples each"
  }

  public func maximumPayloadBytes(frames: Int) -> Int { (frames + 1) / 2 }

  public func encode(
    _ samples: UnsafeBufferPointer<Int16>, into payload: UnsafeMutableRawBufferPointer
  ) throws(CodecError) -> Int {
    guard let input = samples.baseAddress, let output = payload.baseAddress else { return 0 }
    let made = g722_encode(
      state, output.assumingMemoryBound(to: UInt8.self), input, Int32(samples.count))
    guard made >= 0 else { throw .library(call: "g722_encode", message: "returned \(made)") }
    return Int(made)
  }

  public func reset() { _ = g722_encode_init(state, G722Decoder.bitRate, 0) }
}
