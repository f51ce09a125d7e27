/// Turns 16-bit linear audio into the payloads of one payload format: the encoder and the
/// packetiser of a codec.
///
/// An encoder is a resource with state (the codec's history, a library handle), used by one
/// thread, for one stream. It is given one packet's audio at a time, a whole number of the
/// codec's frames (``frameSize``), and writes that packet's payload, with whatever payload
/// header or table of contents the codec's RTP format defines.
public protocol AudioEncoder: AnyObject {
  /// The payload format made.
  var format: PayloadFormat { get }
  /// The audio's sample rate in Hz (the RTP clock rate times ``framesPerTick``).
  var sampleRate: Int { get }
  /// Input channels, interleaved.
  var channels: Int { get }
  /// The frames (samples per channel) of one codec frame: 1 for G.711 and L16, 160 for GSM,
  /// 80 for G.729, 960 for 20 ms of Opus. A packet holds a whole number of them.
  var frameSize: Int { get }

  /// Why a packet of `frames` frames cannot be made, or `nil` when it can: not a whole number
  /// of codec frames, more frames than the payload format holds, or a duration the codec does
  /// not have (Opus packets are 2.5 to 120 ms).
  func problem(packetFrames frames: Int) -> String?

  /// The largest payload a packet of `frames` frames can encode to.
  func maximumPayloadBytes(frames: Int) -> Int

  /// Encodes one packet's audio, `samples.count / channels` frames (a count for which
  /// ``problem(packetFrames:)`` is `nil`), into `payload` (at least
  /// ``maximumPayloadBytes(frames:)`` bytes) and returns the payload's length: 0 when the codec's
  /// discontinuous transmission decided that nothing is sent for this packet.
  ///
  /// - Throws: ``CodecError/library(call:message:)`` when the codec library fails.
  func encode(_ samples: UnsafeBufferPointer<Int16>, into payload: UnsafeMutableRawBufferPointer)
    throws(CodecError) -> Int

  /// Forgets the history, for a new stream.
  func reset()
}

extension AudioEncoder {
  /// Encoded frames per RTP timestamp unit: 1 for most codecs, 2 for G.722 (16 kHz audio on
  /// an 8 kHz clock), 1/3 for 16 kHz Opus on its 48 kHz clock.
  public var framesPerTick: Double { Double(sampleRate) / Double(format.clockRate) }
}
