import RTPCaptures

/// What a capture's signalling (the SDP of its SIP calls) says about the payload types of RTP
/// sent to each address and port: a name and a clock rate per type, so that statistics name a
/// dynamic type as tshark does (`opus`, `H264`) and compute its jitter on the right clock.
public struct SignalledPayloadTypes: Sendable, Hashable {
  /// One payload type's name (the SDP's encoding name) and clock rate.
  public struct Declaration: Sendable, Hashable {
    /// The encoding name as the SDP spells it.
    public var name: String
    /// The RTP clock rate in Hz.
    public var clockRate: Int

    /// A declaration of `name` at `clockRate`.
    public init(name: String, clockRate: Int) {
      self.name = name
      self.clockRate = clockRate
    }
  }

  private var declarations: [Endpoint: [UInt8: Declaration]] = [:]
  private var everywhere: [UInt8: Declaration] = [:]

  /// No declarations.
  public init() {}

  /// Whether nothing is declared.
  public var isEmpty: Bool { declarations.isEmpty && everywhere.isEmpty }

  /// Declares that RTP sent to `destination` with `payloadType` is `declaration`; the first
  /// declaration of a type for a destination stays.
  public mutating func declare(
    _ payloadType: UInt8, _ declaration: Declaration, forRTPTo destination: Endpoint
  ) {
    if declarations[destination]?[payloadType] == nil {
      declarations[destination, default: [:]][payloadType] = declaration
    }
  }

  /// Declares that RTP sent anywhere with `payloadType` is `declaration` (an SDP file given
  /// for a capture without signalling), unless its destination's own SDP says otherwise.
  public mutating func declareEverywhere(_ payloadType: UInt8, _ declaration: Declaration) {
    if everywhere[payloadType] == nil { everywhere[payloadType] = declaration }
  }

  /// What is declared for RTP sent to `destination`, by payload type.
  public func declarations(forRTPTo destination: Endpoint) -> [UInt8: Declaration] {
    guard !everywhere.isEmpty else { return declarations[destination] ?? [:] }
    return everywhere.merging(declarations[destination] ?? [:]) { _, own in own }
  }
}
