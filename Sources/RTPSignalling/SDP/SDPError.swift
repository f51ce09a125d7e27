/// Why a text could not be read as a session description at all. Lines that are malformed
/// inside an otherwise good description are not errors: they are counted in
/// ``SessionDescription/malformedLines`` and skipped.
public enum SDPError: Error, Sendable, Equatable, CustomStringConvertible {
  /// The text is longer than ``SessionDescription/maximumSize`` bytes.
  case tooLarge(Int)
  /// The first line that is not blank is not a `v=` line (RFC 8866 5.1), so this is not SDP.
  case notSDP

  /// One line: what is wrong.
  public var description: String {
    switch self {
    case .tooLarge(let size):
      "a session description of \(size) bytes is over the \(SessionDescription.maximumSize)-byte limit"
    case .notSDP: "not a session description: it does not start with a v= line"
    }
  }
}
