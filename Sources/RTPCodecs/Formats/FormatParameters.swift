/// The format parameters of a payload type, as SDP's `a=fmtp` carries them: `name=value` pairs
/// separated by semicolons (`octet-align=1; mode-set=0,2,5,7`, `useinbandfec=1`), in order.
///
/// Names compare without regard to case (RFC 4855 registers them so); values are kept as
/// written. A parameter without `=` (as in `0-15` for telephone-event) is kept with an empty
/// name, its text the value.
public struct FormatParameters: Sendable, Hashable, CustomStringConvertible {
  /// The parameters in the order given.
  public let pairs: [(name: String, value: String)]

  /// No parameters.
  public init() { pairs = [] }

  /// Reads `text`, the part after the payload type in `a=fmtp:PT text`.
  public init(parsing text: some StringProtocol) {
    var parsed: [(name: String, value: String)] = []
    for item in text.split(separator: ";") {
      let trimmed = item.trimmingSpaces
      guard !trimmed.isEmpty else { continue }
      if let equals = trimmed.firstIndex(of: "=") {
        let name = trimmed[..<equals].trimmingSpaces
        let value = trimmed[trimmed.index(after: equals)...].trimmingSpaces
        parsed.append((String(name), String(value)))
      } else {
        parsed.append(("", String(trimmed)))
      }
    }
    pairs = parsed
  }

  /// Whether there are none.
  public var isEmpty: Bool { pairs.isEmpty }

  /// The value of the first parameter named `name` (ignoring case), if any.
  public subscript(name: String) -> String? {
    let wanted = name.lowercased()
    return pairs.first { $0.name.lowercased() == wanted }?.value
  }

  /// The value of `name` as an integer, if it is one.
  public func integer(_ name: String) -> Int? {
    self[name].flatMap { Int($0) }
  }

  /// `name=value;name=value`, as SDP writes them.
  public var description: String {
    pairs.map { $0.name.isEmpty ? $0.value : "\($0.name)=\($0.value)" }.joined(separator: ";")
  }

  public static func == (lhs: FormatParameters, rhs: FormatParameters) -> Bool {
    lhs.pairs.count == rhs.pairs.count
      && zip(lhs.pairs, rhs.pairs).allSatisfy {
        $0.name.lowercased() == $1.name.lowercased() && $0.value == $1.value
      }
  }

  public func hash(into hasher: inout Hasher) {
    for pair in pairs {
      hasher.combine(pair.name.lowercased())
      hasher.combine(pair.value)
    }
  }
}

extension StringProtocol {
  /// The text without leading and trailing spaces and tabs.
  var trimmingSpaces: SubSequence {
    var start = startIndex
    var end = endIndex
    while start < end, self[start] == " " || self[start] == "\t" { start = index(after: start) }
    while end > start {
      let before = index(before: end)
      guard self[before] == " " || self[before] == "\t" else { break }
      end = before
    }
    return self[start..<end]
  }
}
