/// The first line of a SIP message (RFC 3261 7.1, 7.2): a request line, `INVITE sip:bob@host
/// SIP/2.0`, or a status line, `SIP/2.0 200 OK`.
public enum SIPStartLine: Sendable, Hashable, CustomStringConvertible {
  /// A request: the method (`INVITE`, `ACK`, `BYE`...) and the Request-URI.
  case request(method: String, uri: String)
  /// A response: the status code and the reason phrase.
  case response(statusCode: Int, reason: String)

  /// Reads a start line (without its line end); `nil` unless it is a request line of a token
  /// method, a URI and `SIP/2.0`, or a status line of `SIP/2.0` and a three-digit code.
  public init?(parsing line: some StringProtocol) {
    let text = String(line)
    if text.hasPrefix("SIP/2.0 ") {
      let rest = text.dropFirst(8)
      let code = rest.prefix(3)
      guard code.count == 3, code.allSatisfy({ $0.isASCII && $0.isNumber }),
        let number = Int(code), (100...699).contains(number)
      else { return nil }
      let after = rest.dropFirst(3)
      guard after.isEmpty || after.first == " " else { return nil }
      self = .response(statusCode: number, reason: String(after.dropFirst()))
      return
    }
    let fields = text.split(separator: " ", omittingEmptySubsequences: false)
    guard fields.count == 3, fields[2] == "SIP/2.0", !fields[0].isEmpty, !fields[1].isEmpty,
      fields[0].allSatisfy({
        $0.isASCII && ($0.isLetter || $0.isNumber || "-.!%*_+`'~".contains($0))
      })
    else { return nil }
    self = .request(method: String(fields[0]), uri: String(fields[1]))
  }

  /// Whether `bytes` begin with a whole SIP start line (ended by LF within the first
  /// ``SIPMessage/maximumStartLineBytes``): the test of whether a payload is SIP.
  public static func begins(_ bytes: some Collection<UInt8>) -> Bool {
    // Cheap first: a method or `SIP/2.0` starts with a letter, which an RTP or RTCP packet
    // (version 2, a first byte of 0x80 to 0xBF) never does.
    guard let first = bytes.first,
      (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(first)
        || (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(first)
    else { return false }
    let window = bytes.prefix(SIPMessage.maximumStartLineBytes)
    guard let lineFeed = window.firstIndex(of: UInt8(ascii: "\n")) else { return false }
    var line = Array(window[..<lineFeed])
    if line.last == UInt8(ascii: "\r") { line.removeLast() }
    return SIPStartLine(parsing: String(decoding: line, as: UTF8.self)) != nil
  }

  /// The method of a request, `nil` for a response.
  public var method: String? {
    if case .request(let method, _) = self { return method }
    return nil
  }

  /// The status code of a response, `nil` for a request.
  public var statusCode: Int? {
    if case .response(let code, _) = self { return code }
    return nil
  }

  /// The line as SIP writes it.
  public var description: String {
    switch self {
    case .request(let method, let uri): "\(method) \(uri) SIP/2.0"
    case .response(let code, let reason): "SIP/2.0 \(code) \(reason)"
    }
  }
}
