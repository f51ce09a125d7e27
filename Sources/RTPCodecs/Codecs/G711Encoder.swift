import RTPAudio

/// PCMU and PCMA (RFC 3551 §4.5.14): one 8-bit G.711 code per sample, encoded with
/// ``/RTPAudio/G711``'s G.191 tables, at any clock rate and channel count.
public final class G711Encoder: AudioEncoder {
  public let format: PayloadFormat
  /// µ-law for PCMU, A-law for PCMA.
  public let law: G711Law
  public var sampleRate: Int { format.clockRate }
  public var channels: Int { format.channels }
  public var frameSize: Int { 1 }

  /// An encoder of `format` (PCMU or PCMA) in `law`.
  public init(format: PayloadFormat, law: G711Law) {
    self.format = format
    self.law = law
  }

  public func problem(packetFrames frames: Int) -> String? {
    frames >= 1 ? nil : "a packet needs at least one sample"
  }

  public func maximumPayloadBytes(frames: Int) -> Int { frames * channels }

  public func encode(
    _ samples: UnsafeBufferPointer<Int16>, into payload: UnsafeMutableRawBufferPointer
  ) throws(CodecError) -> Int {
    G711.encode(law, samples, into: payload)
    return samples.count
  }

  public func reset() {}
}
