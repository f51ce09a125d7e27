import ArgumentParser
import RTPAudio

/// `--format`: what the decoded audio is written as: WAV, raw samples, or a format libsndfile
/// writes.
enum AudioContainerArgument: ExpressibleByArgument, Hashable {
  case wav
  case raw
  case library(SoundFileFormat)

  init?(argument: String) {
    switch argument.lowercased() {
    case "wav": self = .wav
    case "raw": self = .raw
    default:
      guard let format = SoundFileFormat(name: argument) else { return nil }
      self = .library(format)
    }
  }

  /// What an output file's name implies (`call.flac`), `nil` for WAV or no known extension.
  init?(fileName: String) {
    if fileName.lowercased().hasSuffix(".raw") {
      self = .raw
    } else if let format = SoundFileFormat(fileName: fileName) {
      self = .library(format)
    } else {
      return nil
    }
  }

  static var allValueStrings: [String] { ["wav", "raw"] + SoundFileFormat.all.map(\.name) }

  var defaultValueDescription: String {
    switch self {
    case .wav: "wav"
    case .raw: "raw"
    case .library(let format): format.name
    }
  }

  var container: AudioContainer { self == .raw ? .raw : .wav }

  var fileFormat: SoundFileFormat? {
    if case .library(let format) = self { return format }
    return nil
  }
}
