/// Turns the payloads of one payload format into 16-bit linear audio: the depacketiser and the
/// decoder of a codec, with its packet-loss concealment.
///
/// A decoder is a resource with state (the codec's history, a library handle), used by one
/// thread: one per stream and payload type. It is fed payloads in play-out order and told of
/// losses between them (``conceal(frames:next:into:)``); a stream start or an SSRC change
/// ``reset()``s it.
public protocol AudioDecoder: AnyObject {
  /// The payload format decoded.
  var format: PayloadFormat { get }
  /// The decoded audio's sample rate in Hz (the RTP clock rate times ``framesPerTick``).
  var sampleRate: Int { get }
  /// Decoded channels, interleaved in the output.
  var channels: Int { get }
  /// Whether ``conceal(frames:next:into:)`` makes audio of its own (a codec PLC); if not, the
  /// caller fills a loss with silence.
  var concealsLoss: Bool { get }

  /// The most frames (samples per channel) a payload of `payloadBytes` bytes can decode to, so
  /// that the caller's buffer is large enough.
  func maximumFrames(payloadBytes: Int) -> Int

  /// Decodes one payload into `output` (interleaved, at least
  /// ``maximumFrames(payloadBytes:)`` × ``channels`` samples) and returns the frames written.
  ///
  /// - Throws: ``CodecError/corrupt(_:)`` for a payload the format cannot hold; the decoder's
  ///   state is as if the packet were lost.
  func decode(_ payload: UnsafeRawBufferPointer, into output: UnsafeMutableBufferPointer<Int16>)
    throws(CodecError) -> Int

  /// Makes `frames` frames of audio in place of lost packets, into `output` (at least `frames`
  /// × ``channels`` samples), and returns how many it made: `frames`, or 0 when the codec has no
  /// concealment. `next` is the payload after the loss, when the caller has it, for a codec that
  /// can recover the lost audio from it (Opus's in-band FEC).
  func conceal(
    frames: Int, next: UnsafeRawBufferPointer?, into output: UnsafeMutableBufferPointer<Int16>
  ) -> Int

  /// Makes `frames` frames of what the codec itself plays for time its sender's discontinuous
  /// transmission did not send (the comfort noise of G.729 Annex B and AMR SID frames; AMR's
  /// NO_DATA frames) into `output` (at least `frames` × ``channels`` samples), and returns
  /// `frames`; 0 when the codec has nothing of its own for it (no descriptor came), so that
  /// the caller fills the gap as a pause.
  func comfortNoise(frames: Int, into output: UnsafeMutableBufferPointer<Int16>) -> Int

  /// Forgets the stream's history, for a new stream.
  func reset()
}

extension AudioDecoder {
  /// No comfort noise of the codec's own: a codec without silence descriptors.
  public func comfortNoise(frames: Int, into output: UnsafeMutableBufferPointer<Int16>) -> Int {
    0
  }

  /// Decoded frames per RTP timestamp unit: 1 for most codecs, 2 for G.722 (16 kHz audio on
  /// an 8 kHz clock). A fraction when the clock is faster than the audio.
  public var framesPerTick: Double { Double(sampleRate) / Double(format.clockRate) }
}
