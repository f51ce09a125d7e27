import ArgumentParser
import RTPToolSupport

@main
struct RTPGen: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "rtpgen", abstract: "Generate an RTP stream.", version: ToolVersion.current)
}
