/// The RTCP transmission interval of RFC 3550 appendix A.7 (section 6.3.1), as pure
/// arithmetic: the caller supplies the randomness.
public struct RTCPInterval: Hashable, Sendable {
  /// The minimum interval, seconds (halved before the first report).
  public static let minimumSeconds = 5.0
  /// Senders' share of the RTCP bandwidth when they are at most a quarter of the members.
  public static let senderFraction = 0.25
  /// Receivers' share then.
  public static let receiverFraction = 0.75
  /// e − 3/2: divides the randomised interval to compensate for timer reconsideration.
  public static let compensation = 2.71828 - 1.5

  /// Members of the session, this participant included.
  public var members: Int
  /// Members that sent RTP since the last report.
  public var senders: Int
  /// Bandwidth for RTCP, octets per second (5 % of the session bandwidth, usually).
  public var bandwidth: Double
  /// Whether this participant sent RTP since its last report.
  public var weSent: Bool
  /// Average compound RTCP packet size, octets, lower layers included.
  public var averagePacketSize: Double
  /// Whether no report has been sent yet.
  public var initial: Bool
  /// The smallest interval in seconds, ``minimumSeconds`` unless a session scales it down
  /// (RFC 3550 section 6.2 allows less for high bandwidths; tests use less).
  public var minimum: Double

  /// The inputs of RFC 3550's interval computation (appendix A.7) for one session.
  public init(
    members: Int, senders: Int, bandwidth: Double, weSent: Bool, averagePacketSize: Double,
    initial: Bool, minimum: Double = minimumSeconds
  ) {
    self.minimum = minimum
    self.members = members
    self.senders = senders
    self.bandwidth = bandwidth
    self.weSent = weSent
    self.averagePacketSize = averagePacketSize
    self.initial = initial
  }

  /// The interval before randomisation: at least ``minimum`` (half of it initially).
  public var deterministicSeconds: Double {
    let minimum = initial ? self.minimum / 2 : self.minimum
    var share = bandwidth
    var count = Double(members)
    if Double(senders) <= Double(members) * Self.senderFraction {
      if weSent {
        share *= Self.senderFraction
        count = Double(senders)
      } else {
        share *= Self.receiverFraction
        count -= Double(senders)
      }
    }
    guard share > 0 else { return minimum }
    return max(minimum, averagePacketSize * count / share)
  }

  /// The interval for a uniform `random` in 0..<1: the deterministic one times
  /// `random + 0.5`, divided by the compensation.
  public func seconds(random: Double) -> Double {
    deterministicSeconds * (random + 0.5) / Self.compensation
  }

  /// The interval drawn with `generator`.
  public func seconds(using generator: inout some RandomNumberGenerator) -> Double {
    seconds(random: Double.random(in: 0..<1, using: &generator))
  }
}
