import CSpanDSP

/// G.726 ADPCM (RFC 3551 §4.5.4) through spandsp: 8 kHz audio at 16, 24, 32 or 40 kbit/s as the
/// encoding name says, codewords packed from each octet's least significant bit up (from the
/// most significant down for the `AAL2-G726-xx` names). A packet is a whole number of octets:
/// a multiple of ``frameSize`` samples (4 at 16 kbit/s, 8 at 24 and 40, 2 at 32).
public final class G726Encoder: AudioEncoder {
  public let format: PayloadFormat
  public var sampleRate: Int { 8000 }
  public var channels: Int { 1 }
  public var frameSize: Int { mode.codesPerOctetGroup }
  private let mode: G726Mode
  private let state: OpaquePointer

  /// An encoder of `format` (`G726-16/8000` to `G726-40/8000`, or the `AAL2-` names); the bit
  /// rate is the name's, and `settings`' bit rate, when given, must be the same.
  ///
  /// - Throws: ``CodecError/unsupported(_:_:)`` for another name,
  ///   ``CodecError/invalidParameters(_:_:)`` for a clock other than 8000, more than one channel
  ///   or another bit rate, ``CodecError/library(call:message:)`` when spandsp cannot make an
  ///   encoder.
  public init(format: PayloadFormat, settings: EncoderSettings) throws(CodecError) {
    guard let mode = G726Mode(format) else {
      throw .unsupported(format, "not a G.726 encoding name (G726-16, -24, -32, -40)")
    }
    guard format.clockRate == 8000, format.channels == 1 else {
      throw .invalidParameters(format, "G.726 is 8000 Hz mono (RFC 3551 §4.5.4)")
    }
    if let bitrate = settings.bitrate, bitrate != mode.bitRate {
      throw .invalidParameters(
        format,
        "\(format.encodingName) is \(mode.bitRate) bit/s; the name chooses the rate "
          + "(G726-16, -24, -32, -40)")
    }
    guard let made = mode.initialise(nil) else {
      throw .library(call: "g726_init", message: "no encoder state")
    }
    self.format = format
    self.mode = mode
    state = made
  }

  deinit { _ = g726_free(state) }

  public func problem(packetFrames frames: Int) -> String? {
    guard frames % frameSize == 0 else {
      return "a G.726 packet at \(mode.bitRate / 1000) kbit/s is whole octets, a multiple of "
        + "\(frameSize) samples"
    }
    return nil
  }

  public func maximumPayloadBytes(frames: Int) -> Int { (frames * mode.bitsPerCode + 7) / 8 }

  public func encode(
    _ samples: UnsafeBufferPointer<Int16>, into payload: UnsafeMutableRawBufferPointer
  ) throws(CodecError) -> Int {
    guard let input = samples.baseAddress, let output = payload.baseAddress else { return 0 }
    let made = g726_encode(
      state, output.assumingMemoryBound(to: UInt8.self), input, Int32(samples.count))
    guard made >= 0 else { throw .library(call: "g726_encode", message: "returned \(made)") }
    return Int(made)
  }

  public func reset() { _ = mode.initialise(state) }
}
