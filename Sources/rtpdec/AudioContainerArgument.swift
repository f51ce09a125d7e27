import ArgumentParser
import RTPAudio

/// `--format`: what the decoded audio is written as.
enum AudioContainerArgument: String, ExpressibleByArgument, CaseIterable {
  case wav
  case raw

  var container: AudioContainer {
    switch self {
    case .wav: .wav
    case .raw: .raw
    }
  }
}
