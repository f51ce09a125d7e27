/// When a generated stream carries RFC 4733 DTMF events instead of audio: one digit after
/// another, each for ``eventPackets`` packet times, with ``gapPackets`` packet times of audio
/// between them, from packet time ``firstPacket``.
///
/// A sender mutes its audio while it sends an event, as phones do, so each event's packet times
/// carry event reports (the first with the marker, the duration growing, the last with the end
/// bit) and then the end report twice more (RFC 4733 §2.5.1.4), and the audio resumes.
public struct TelephoneEventSchedule: Sendable, Hashable {
  /// The event codes in order (``/RTPCodecs/TelephoneEvent/code(of:)``).
  public var codes: [UInt8]
  /// The payload type of the event packets (101 by convention).
  public var payloadType: UInt8
  /// The packet time, counted from 0, at which the first event starts.
  public var firstPacket: UInt64
  /// Packet times each event lasts, before its two repeated end reports: at least 1.
  public var eventPackets: Int
  /// Packet times of audio between one event's last end report and the next event.
  public var gapPackets: Int
  /// The power level in -dBm0 of each event (RFC 4733 §2.3.4), 0 to 63.
  public var volume: UInt8

  /// A schedule of `codes`; events last `eventPackets` packet times, `gapPackets` apart, from
  /// packet time `firstPacket`, at `volume` -dBm0.
  public init(
    codes: [UInt8], payloadType: UInt8 = 101, firstPacket: UInt64, eventPackets: Int,
    gapPackets: Int, volume: UInt8 = 10
  ) {
    self.codes = codes
    self.payloadType = payloadType
    self.firstPacket = firstPacket
    self.eventPackets = max(1, eventPackets)
    self.gapPackets = max(0, gapPackets)
    self.volume = min(volume, 63)
  }

  /// Packet times from one event's start to the next one's: the event, its two repeated end
  /// reports, and the gap.
  var period: UInt64 { UInt64(eventPackets + 2 + gapPackets) }

  /// What packet time `slot` carries: `nil` for audio, else the event's index and the packet's
  /// place in it (0 to `eventPackets + 1`).
  func event(atSlot slot: UInt64) -> (index: Int, step: Int)? {
    guard slot >= firstPacket else { return nil }
    let offset = slot - firstPacket
    let index = offset / period
    guard index < UInt64(codes.count) else { return nil }
    let step = Int(offset % period)
    guard step < eventPackets + 2 else { return nil }
    return (Int(index), step)
  }
}
