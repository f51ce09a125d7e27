/// The exit statuses every tool uses (BSD sysexits), listed in rtpsynth(7).
public enum ExitStatus: Int32, Sendable {
  case success = 0
  /// The command line is wrong.
  case usage = 64
  /// The input data is malformed.
  case dataError = 65
  /// An input file cannot be opened.
  case noInput = 66
  /// The network is unavailable (an address cannot be bound or resolved).
  case unavailable = 69
  /// An internal fault.
  case software = 70
  /// Reading or writing failed.
  case ioError = 74
}
