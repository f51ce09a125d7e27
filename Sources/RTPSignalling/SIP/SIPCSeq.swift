/// A CSeq header, `CSeq: 314159 INVITE` (RFC 3261 20.16): the sequence number and the method
/// of the request it belongs to, which is how a response is matched to its request.
public struct SIPCSeq: Sendable, Hashable, CustomStringConvertible {
  /// The sequence number.
  public var number: UInt32
  /// The method.
  public var method: String

  /// A CSeq with the given number and method.
  public init(number: UInt32, method: String) {
    self.number = number
    self.method = method
  }

  /// Reads the header value; `nil` unless it is a 32-bit number and a method.
  public init?(parsing text: some StringProtocol) {
    let fields = text.split(whereSeparator: { $0 == " " || $0 == "\t" })
    guard fields.count == 2, let number = UInt32(fields[0]) else { return nil }
    self.number = number
    method = String(fields[1])
  }

  /// `314159 INVITE`.
  public var description: String { "\(number) \(method)" }
}
