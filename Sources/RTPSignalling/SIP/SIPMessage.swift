/// A SIP message (RFC 3261 7): its start line, its headers and its body.
///
/// ``init(parsing:)`` reads one whole message, as a UDP datagram carries it; a TCP stream is
/// cut into messages by ``SIPStreamFramer``. Reading bounds every size
/// (``maximumHeaderBytes``, ``maximumHeaders``, ``maximumBodyBytes``) and never traps on
/// hostile bytes; header lines may end in CRLF or LF and continue on folded lines.
public struct SIPMessage: Sendable, Hashable {
  /// The longest start line looked for, in bytes.
  public static let maximumStartLineBytes = 2048
  /// The largest header section read, start line included, in bytes.
  public static let maximumHeaderBytes = 32_768
  /// The most header fields read.
  public static let maximumHeaders = 256
  /// The largest body read, in bytes.
  public static let maximumBodyBytes = 65_536

  /// The request line or status line.
  public var startLine: SIPStartLine
  /// The header fields in order.
  public var headers: [SIPHeader]
  /// The body: Content-Length bytes, or over UDP without Content-Length the rest of the datagram.
  public var body: [UInt8]

  /// A message with the given parts.
  public init(startLine: SIPStartLine, headers: [SIPHeader], body: [UInt8] = []) {
    self.startLine = startLine
    self.headers = headers
    self.body = body
  }

  /// Reads a whole message from `bytes`, as one UDP datagram holds it: blank lines before the
  /// start line (keep-alives) are passed over, the body is Content-Length bytes (bytes after
  /// them are ignored), or all the rest when there is no Content-Length.
  ///
  /// - Throws: a ``SIPMessageError``; ``SIPMessageError/truncatedBody(expected:received:)``
  ///   when fewer bytes than Content-Length follow the headers.
  public init(parsing bytes: some Collection<UInt8>) throws(SIPMessageError) {
    let array = Array(bytes)
    var start = 0
    while start < array.count, array[start] == 13 || array[start] == 10 { start += 1 }
    guard start < array.count else { throw .empty }
    guard let head = SIPMessage.headerEnd(array, from: start) else {
      throw array.count - start > Self.maximumHeaderBytes ? .tooLarge : .unterminatedHeaders
    }
    let (startLine, headers) = try SIPMessage.parseHead(array[start..<head.linesEnd])
    self.init(startLine: startLine, headers: headers)
    let available = array.count - head.bodyStart
    if let length = try contentLengthValue() {
      guard length <= Self.maximumBodyBytes else { throw .tooLarge }
      guard length <= available else { throw .truncatedBody(expected: length, received: available) }
      body = Array(array[head.bodyStart..<(head.bodyStart + length)])
    } else {
      guard available <= Self.maximumBodyBytes else { throw .tooLarge }
      body = Array(array[head.bodyStart...])
    }
  }

  /// Where the header section that starts at `start` ends: the end of its last line (before
  /// the blank line) and the first byte of the body; `nil` when no blank line is found within
  /// ``maximumHeaderBytes``.
  static func headerEnd(_ bytes: [UInt8], from start: Int) -> (linesEnd: Int, bodyStart: Int)? {
    let limit = min(bytes.count, start + Self.maximumHeaderBytes)
    var index = start
    while index < limit {
      guard bytes[index] == 10 else {
        index += 1
        continue
      }
      // A line feed followed by CRLF or LF ends the headers.
      let next = index + 1
      if next < bytes.count, bytes[next] == 10 { return (index + 1, next + 1) }
      if next + 1 < bytes.count, bytes[next] == 13, bytes[next + 1] == 10 {
        return (index + 1, next + 2)
      }
      index += 1
    }
    return nil
  }

  /// Reads the start line and the header lines (each ended by LF or CRLF, folded lines
  /// joined).
  static func parseHead(_ bytes: ArraySlice<UInt8>) throws(SIPMessageError) -> (
    SIPStartLine, [SIPHeader]
  ) {
    var lines: [String] = []
    var lineStart = bytes.startIndex
    for index in bytes.indices where bytes[index] == 10 {
      var end = index
      if end > lineStart, bytes[end - 1] == 13 { end -= 1 }
      lines.append(String(decoding: bytes[lineStart..<end], as: UTF8.self))
      lineStart = index + 1
    }
    if lineStart < bytes.endIndex {
      lines.append(String(decoding: bytes[lineStart...], as: UTF8.self))
    }
    guard let first = lines.first else { throw .empty }
    guard let startLine = SIPStartLine(parsing: first) else {
      throw .malformedStartLine(String(first.prefix(80)))
    }
    var headers: [SIPHeader] = []
    for line in lines.dropFirst() {
      if line.first == " " || line.first == "\t" {
        // A folded line continues the header before it (RFC 3261 7.3.1).
        guard !headers.isEmpty else { throw .malformedHeader(String(line.prefix(80))) }
        let more = Substring(line).trimmingSDPSpaces
        headers[headers.count - 1].value +=
          headers[headers.count - 1].value.isEmpty ? String(more) : " " + more
        continue
      }
      guard let colon = line.firstIndex(of: ":") else {
        throw .malformedHeader(String(line.prefix(80)))
      }
      let name = line[..<colon].trimmingSDPSpaces
      guard !name.isEmpty, name.allSatisfy({ $0.isASCII && !$0.isWhitespace }) else {
        throw .malformedHeader(String(line.prefix(80)))
      }
      guard headers.count < Self.maximumHeaders else { throw .tooLarge }
      headers.append(
        SIPHeader(
          name: String(name), value: String(line[line.index(after: colon)...].trimmingSDPSpaces)))
    }
    return (startLine, headers)
  }

  /// The value of the first header named `name` (ignoring case; compact forms count).
  public subscript(name: String) -> String? {
    headers.first { $0.isNamed(name) }?.value
  }

  /// The values of every header named `name`, in order.
  public func values(_ name: String) -> [String] {
    headers.filter { $0.isNamed(name) }.map(\.value)
  }

  /// Whether this is a request.
  public var isRequest: Bool { startLine.method != nil }

  /// The Call-ID, which names the call.
  public var callID: String? { self["Call-ID"] }

  /// The CSeq: the request's sequence number and method, which a response repeats.
  public var cseq: SIPCSeq? { self["CSeq"].flatMap { SIPCSeq(parsing: $0) } }

  /// The From header.
  public var from: SIPNameAddress? { self["From"].flatMap { SIPNameAddress(parsing: $0) } }

  /// The To header.
  public var to: SIPNameAddress? { self["To"].flatMap { SIPNameAddress(parsing: $0) } }

  /// The Content-Type value as written, `application/sdp` (parameters included).
  public var contentType: String? { self["Content-Type"] }

  /// The media type of the body in lower case without parameters: `application/sdp`,
  /// `multipart/mixed`.
  public var mediaType: String? {
    contentType.map { String($0.prefix { $0 != ";" }.trimmingSDPSpaces).lowercased() }
  }

  /// The Content-Length; `nil` when there is none or it is malformed.
  public var contentLength: Int? { try? contentLengthValue() }

  /// The Content-Length, `nil` when absent; throws when it is not a number or two disagree.
  func contentLengthValue() throws(SIPMessageError) -> Int? {
    let all = values("Content-Length")
    guard let first = all.first else { return nil }
    guard first.count <= 9, let length = Int(first), length >= 0 else {
      throw .malformedContentLength(String(first.prefix(20)))
    }
    guard all.allSatisfy({ Int($0) == length }) else {
      throw .malformedContentLength(all.joined(separator: ", "))
    }
    return length
  }

  /// Whether the body is multipart (`multipart/mixed`, `multipart/alternative`): SDP inside
  /// one is not read here.
  public var hasMultipartBody: Bool { mediaType?.hasPrefix("multipart/") == true }

  /// The session description the body holds when it is `application/sdp`; `nil` for another
  /// body or none.
  ///
  /// - Throws: an ``SDPError`` when the body is declared SDP and is not.
  public func sessionDescription() throws(SDPError) -> SessionDescription? {
    guard mediaType == "application/sdp", !body.isEmpty else { return nil }
    return try SessionDescription(parsing: String(decoding: body, as: UTF8.self))
  }
}
