import ArgumentParser
import RTPCore
import RTPToolSupport

@main
struct RTPJB: ToolCommand {
  static let configuration = CommandConfiguration(
    commandName: "rtpjb",
    abstract: "Put one RTP stream of a capture in play-out order through a jitter buffer.",
    version: ToolVersion.current)

  mutating func execute() throws {
    throw ToolFailure(.software, "not built yet")
  }
}
