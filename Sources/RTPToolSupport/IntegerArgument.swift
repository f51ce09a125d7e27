import ArgumentParser

/// An integer written in decimal or, with a `0x` prefix, in hexadecimal (SSRCs usually are).
public struct IntegerArgument<Value: FixedWidthInteger & Sendable>: ExpressibleByArgument, Sendable
{
  public var value: Value

  public init?(argument: String) {
    let lower = argument.lowercased()
    if lower.hasPrefix("0x") {
      guard let value = Value(lower.dropFirst(2), radix: 16) else { return nil }
      self.value = value
    } else {
      guard let value = Value(argument, radix: 10) else { return nil }
      self.value = value
    }
  }
}
