/// Cuts a byte stream (one direction of a TCP connection) into SIP messages by their
/// Content-Length (RFC 3261 18.3), holding at most one message's worth of bytes.
///
/// Bytes that cannot start a message (after a malformed one, or after data was lost and
/// ``resynchronize()`` was called) are passed over up to the next line that is a SIP start
/// line; what was passed over is counted in ``bytesDiscarded``. Blank lines between messages
/// (keep-alives) are passed over silently.
public struct SIPStreamFramer: Sendable {
  /// What ``next()`` found.
  public enum Output: Sendable, Hashable {
    /// A whole message.
    case message(SIPMessage)
    /// A message that could not be read, passed over.
    case malformed(SIPMessageError)
  }

  /// The most bytes held: the largest header section and body together.
  public static let maximumBufferedBytes =
    SIPMessage.maximumHeaderBytes + SIPMessage.maximumBodyBytes

  private var buffer: [UInt8] = []
  private var start = 0
  private var seeking = false
  /// Bytes passed over without being part of a message read or counted malformed.
  public private(set) var bytesDiscarded = 0

  /// A framer at the start of a stream.
  public init() {}

  /// Bytes held, waiting for the rest of their message.
  public var bufferedByteCount: Int { buffer.count - start }

  /// Whether the framer is looking for a start line, after a loss or a malformed message.
  public var isResynchronizing: Bool { seeking }

  /// Adds the next bytes of the stream. When more than ``maximumBufferedBytes`` would be held
  /// without a message completing, the bytes held are dropped (counted) and the framer looks
  /// for the next start line.
  public mutating func append(_ bytes: some Collection<UInt8>) {
    if start > 0, start >= buffer.count / 2 {
      buffer.removeFirst(start)
      start = 0
    }
    buffer.append(contentsOf: bytes)
    if bufferedByteCount > Self.maximumBufferedBytes { resynchronize() }
  }

  /// Drops what is held and looks for the next start line: for after the stream lost bytes.
  public mutating func resynchronize() {
    bytesDiscarded += bufferedByteCount
    buffer.removeAll(keepingCapacity: true)
    start = 0
    seeking = true
  }

  /// The next message, or a malformed one passed over; `nil` when the bytes held are not yet
  /// a whole message.
  public mutating func next() -> Output? {
    while true {
      while start < buffer.count, buffer[start] == 13 || buffer[start] == 10 { start += 1 }
      guard start < buffer.count else { return nil }
      if seeking {
        guard seekStartLine() else { return nil }
      }
      guard let head = SIPMessage.headerEnd(buffer, from: start) else {
        if bufferedByteCount > SIPMessage.maximumHeaderBytes {
          resynchronize()
          return .malformed(.tooLarge)
        }
        // A first line that is whole and not a start line will never become one.
        if let lineEnd = buffer[start...].firstIndex(of: 10),
          !SIPStartLine.begins(buffer[start...lineEnd])
        {
          let text = firstLine(upTo: lineEnd)
          skipLine(at: lineEnd)
          return .malformed(.malformedStartLine(text))
        }
        return nil
      }
      let parsed: (SIPStartLine, [SIPHeader])
      do {
        parsed = try SIPMessage.parseHead(buffer[start..<head.linesEnd])
      } catch {
        start = head.bodyStart
        seeking = true
        return .malformed(error)
      }
      var message = SIPMessage(startLine: parsed.0, headers: parsed.1)
      let length: Int
      do {
        length = try message.contentLengthValue() ?? 0
      } catch {
        start = head.bodyStart
        seeking = true
        return .malformed(error)
      }
      guard length <= SIPMessage.maximumBodyBytes else {
        start = head.bodyStart
        seeking = true
        return .malformed(.tooLarge)
      }
      guard buffer.count - head.bodyStart >= length else { return nil }
      message.body = Array(buffer[head.bodyStart..<(head.bodyStart + length)])
      start = head.bodyStart + length
      return .message(message)
    }
  }

  /// Passes over bytes up to the first line that is a SIP start line; `false` when none is
  /// held yet (keeping only the last, unfinished line).
  private mutating func seekStartLine() -> Bool {
    var lineStart = start
    while lineStart < buffer.count {
      guard let lineEnd = buffer[lineStart...].firstIndex(of: 10) else { break }
      if SIPStartLine.begins(buffer[lineStart...lineEnd]) {
        bytesDiscarded += lineStart - start
        start = lineStart
        seeking = false
        return true
      }
      lineStart = lineEnd + 1
    }
    // Keep the unfinished last line, unless it is already too long to be a start line.
    if buffer.count - lineStart > SIPMessage.maximumStartLineBytes { lineStart = buffer.count }
    bytesDiscarded += lineStart - start
    start = lineStart
    return false
  }

  private mutating func skipLine(at lineEnd: Int) {
    start = lineEnd + 1
    seeking = true
  }

  private func firstLine(upTo lineEnd: Int) -> String {
    String(decoding: buffer[start..<min(lineEnd, start + 80)], as: UTF8.self)
  }
}
