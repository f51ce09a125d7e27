import RTPAudio
import SystemPackage

/// An audio input named on the command line, open and sniffed: the file (or standard input)
/// and the ``AudioReader`` over it, with failures as the tools report them.
public struct AudioInput {
  /// The file or standard input.
  public let file: InputFile
  /// The reader, its header read.
  public let reader: AudioReader

  /// Opens `path` (standard input for `-` or none) and reads its header: as `raw` samples when
  /// given, else sniffed, falling back to raw `fallback` samples when given and the input does
  /// not look like an audio file. Checks that `channel` exists in the input. Fails with 66 when
  /// the file cannot be opened, 64 for a parameter or channel that cannot work, 65 for a damaged
  /// or unknown input and 74 when reading fails.
  public init(
    path: String?, raw: AudioFormat? = nil, fallback: AudioFormat? = nil,
    channel: ChannelSelection = .mix
  ) throws(ToolFailure) {
    let file = try InputFile(path: path)
    do {
      reader = try AudioReader(fileDescriptor: file.descriptor, raw: raw, fallback: fallback)
    } catch {
      file.close()
      throw Self.failure(error, name: file.displayName)
    }
    self.file = file
    if case .channel(let number) = channel, number > reader.format.channels {
      file.close()
      throw Self.failure(
        .noSuchChannel(requested: number, channels: reader.format.channels),
        name: file.displayName)
    }
  }

  /// How messages name the input: its path, or `stdin`.
  public var displayName: String { file.displayName }

  /// Closes the file if it was opened here.
  public func close() {
    file.close()
  }

  /// A reader's failure on the input called `name`: 64 for a usage error, 74 for a failed
  /// read, 65 for damage.
  public static func failure(_ error: AudioError, name: String) -> ToolFailure {
    if error.isUsageError { return ToolFailure(.usage, "\(name): \(error)") }
    if case .io = error { return ToolFailure(.ioError, "\(name): \(error)") }
    if case .notAudio(let content) = error, content.isCapture {
      return ToolFailure(
        .dataError,
        "\(name): \(error): rtpjb --output payload decodes a capture's G.711 into raw octets")
    }
    return ToolFailure(.dataError, "\(name): \(error)")
  }

  /// A filter's failure: as ``failure(_:name:)`` for the input; for the output, the
  /// ``IOError/brokenPipe`` itself (tools end quietly on it) or 74 naming `output`; 70 for a
  /// resampler that failed.
  public func failure(_ error: AudioFilterError, output: String) -> any Error {
    switch error {
    case .input(let error):
      return Self.failure(error, name: displayName)
    case .output(let error):
      if error == .brokenPipe { return error }
      return ToolFailure(.ioError, "\(output): \(error)")
    case .resampler(let error):
      return ToolFailure(.software, "\(error)")
    case .resamplerThrew(let error):
      return ToolFailure(.software, "\(error)")
    }
  }
}
