import RTPAudio
import RTPCodecs
import RTPIO
import RTPPackets

/// Why generating a stream stopped before its end.
public enum RTPGenerationError: Error, CustomStringConvertible {
  /// Reading the payload input failed.
  case read(IOError)
  /// The configuration asks for an RTP header RTP cannot carry (a payload type above 127):
  /// nothing was written.
  case invalidHeader(RTPSerializationError)
  /// Writing the capture failed (`.write(.brokenPipe)` when the reader went away).
  case write(IOError)
  /// The payload input, `length` bytes long, ended inside a sample; every whole sample before
  /// it was sent.
  case partialSample(length: UInt64, bytesPerSample: Int)
  /// The payload input ended before the first packet: nothing was written.
  case emptyPayload
  /// The payload input is not raw payload bytes but a file of this kind (a capture, an audio
  /// file, compressed data), which would otherwise be sent as noise.
  case notRawPayload(InputContent)
  /// The capture format cannot hold the next packet's time (``/RTPCaptures/CaptureWriter``'s line): every
  /// packet before it was written.
  case timeOutOfRange(String)
  /// The encoder cannot make packets of the asked length; the text says why.
  case packetTime(String)
  /// The audio input's rate cannot be converted to the encoder's.
  case resampling(ResamplerError)
  /// The audio input is damaged: every packet of the audio before the damage was written.
  case audio(AudioError)
  /// The codec failed.
  case encoding(CodecError)

  public var description: String {
    switch self {
    case .read(let error): return error.description
    case .write(let error): return error.description
    case .invalidHeader(let error): return error.description
    case .partialSample(let length, let bytesPerSample):
      return "input of \(length) bytes ends inside a \(bytesPerSample)-byte sample"
    case .emptyPayload:
      return "the payload input ended before the first packet"
    case .notRawPayload(let content):
      return "input is \(content), not raw payload bytes"
    case .timeOutOfRange(let line): return line
    case .packetTime(let why): return why
    case .resampling(let error): return error.description
    case .audio(let error): return error.description
    case .encoding(let error): return error.description
    }
  }
}
