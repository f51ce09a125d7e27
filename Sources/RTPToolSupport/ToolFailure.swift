/// A failure a tool reports as one line, `tool: what: why`, and an exit status.
public struct ToolFailure: Error, CustomStringConvertible, Sendable {
  public var status: ExitStatus
  /// The line after `tool: `, such as `call.pcap: record 17 at byte 2316: truncated`.
  public var message: String

  public init(_ status: ExitStatus, _ message: String) {
    self.status = status
    self.message = message
  }

  public var description: String { message }
}
