/// Why bytes could not be read as a SIP message. Readers of captures count these and go on:
/// a malformed message is never fatal.
public enum SIPMessageError: Error, Sendable, Hashable, CustomStringConvertible {
  /// No bytes, or only the blank lines of a keep-alive.
  case empty
  /// The header section has no end (no blank line) within the bytes given.
  case unterminatedHeaders
  /// The first line is neither a request line nor a status line.
  case malformedStartLine(String)
  /// A header line has no colon or an empty name.
  case malformedHeader(String)
  /// Content-Length is not a number, or two of them disagree.
  case malformedContentLength(String)
  /// The body is shorter than Content-Length says (RFC 3261 18.3: the message is discarded).
  case truncatedBody(expected: Int, received: Int)
  /// The header section or the body is over its bound (``SIPMessage/maximumHeaderBytes``,
  /// ``SIPMessage/maximumBodyBytes``) or there are more than ``SIPMessage/maximumHeaders`` headers.
  case tooLarge

  /// One line: what is wrong.
  public var description: String {
    switch self {
    case .empty: "an empty SIP message"
    case .unterminatedHeaders: "SIP headers without the blank line that ends them"
    case .malformedStartLine(let line): "not a SIP request or status line: '\(line)'"
    case .malformedHeader(let line): "a malformed SIP header line: '\(line)'"
    case .malformedContentLength(let value): "a malformed Content-Length: '\(value)'"
    case .truncatedBody(let expected, let received):
      "a SIP body of \(received) bytes where Content-Length says \(expected)"
    case .tooLarge: "a SIP message over the size bounds"
    }
  }
}
