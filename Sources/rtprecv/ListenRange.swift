import ArgumentParser
import RTPCaptures

/// `--listen HOST:PORT` or `HOST:PORT-PORT`: a host (literal or name, resolved when listening)
/// and an inclusive range of ports.
struct ListenRange: ExpressibleByArgument {
  static let maximumPorts = 4096

  var host: String
  var ports: ClosedRange<UInt16>

  init?(argument: String) {
    guard let colon = argument.lastIndex(of: ":") else { return nil }
    let portText = argument[argument.index(after: colon)...]
    let bounds = portText.split(separator: "-", omittingEmptySubsequences: false)
    guard (1...2).contains(bounds.count), let low = UInt16(bounds[0]),
      let high = bounds.count == 2 ? UInt16(bounds[1]) : low, low >= 1, low <= high
    else { return nil }
    guard let (host, _) = Endpoint.split(argument[..<colon] + ":0") else { return nil }
    self.host = host
    ports = low...high
  }
}
