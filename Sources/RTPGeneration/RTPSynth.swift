import RTPPackets

/// An RTP packet generator: librtpsynth's `rsynth_*` in Swift, with its measured faults fixed.
///
/// Each call to ``nextPacket(payloadType:payloadLength:into:)`` writes the next header of a
/// continuous stream: the sequence number advances by one and the timestamp by
/// `sampleRate × ptime` (carrying fractions, so 11,025 Hz at 20 ms alternates 220 and 221
/// samples). The first packet carries the marker; ``setMarker(_:)`` marks another, and
/// ``resync(elapsedNanoseconds:)`` starts a new talkspurt after a silence.
public struct RTPSynth: Sendable {
  /// Samples per second of the payload's RTP clock.
  public let sampleRate: Int
  /// Packet time in microseconds.
  public let packetTimeMicroseconds: Int
  /// The stream's synchronisation source.
  public var ssrc: UInt32
  /// The sequence number the next packet will carry.
  public private(set) var sequenceNumber: UInt16
  /// The timestamp the next packet will carry.
  public private(set) var timestamp: UInt32
  /// Packets generated so far.
  public private(set) var packetCount: UInt64 = 0

  private let stepWhole: UInt32
  private let stepRemainder: UInt64
  private var fraction: UInt64 = 0
  private var markNext = true
  private var lastTimestamp: UInt32?

  private static let fractionUnit: UInt64 = 1_000_000

  /// Creates a generator for `sampleRate` Hz and a packet every `packetTimeMicroseconds`.
  ///
  /// - Precondition: `sampleRate` is 1 to 2^24 Hz and `packetTimeMicroseconds` 1 to 10 s; tools
  ///   validate user input before calling this.
  public init(sampleRate: Int, packetTimeMicroseconds: Int, start: RTPStreamStart) {
    precondition(sampleRate > 0 && sampleRate <= 1 << 24, "sample rate out of range")
    precondition(
      packetTimeMicroseconds > 0 && packetTimeMicroseconds <= 10_000_000, "ptime out of range")
    self.sampleRate = sampleRate
    self.packetTimeMicroseconds = packetTimeMicroseconds
    let numerator = UInt64(sampleRate) * UInt64(packetTimeMicroseconds)
    stepWhole = UInt32(numerator / Self.fractionUnit)
    stepRemainder = numerator % Self.fractionUnit
    ssrc = start.ssrc
    sequenceNumber = start.sequenceNumber
    timestamp = start.timestamp
  }

  /// Creates a generator whose SSRC, sequence number and timestamp start from the system CSPRNG.
  public init(sampleRate: Int, packetTimeMicroseconds: Int) {
    self.init(
      sampleRate: sampleRate, packetTimeMicroseconds: packetTimeMicroseconds,
      start: .random())
  }

  /// Samples the next packet spans: the timestamp step it will take.
  public var samplesInNextPacket: Int {
    Int(stepWhole) + (fraction + stepRemainder >= Self.fractionUnit ? 1 : 0)
  }

  /// Writes the next packet's 12-byte header into `buffer` and returns the packet's length,
  /// `12 + payloadLength`. The caller writes the payload after the header; the generator does not
  /// touch those bytes. Allocates nothing.
  @inlinable
  public mutating func nextPacket(
    payloadType: UInt8, payloadLength: Int, into buffer: UnsafeMutableRawBufferPointer
  ) throws(RTPSerializationError) -> Int {
    guard payloadType <= 127 else { throw .payloadTypeOutOfRange(Int(payloadType)) }
    let total = RTPHeader.fixedLength + payloadLength
    guard payloadLength >= 0, total <= buffer.count else {
      throw .bufferTooSmall(needed: total, available: buffer.count)
    }
    writeNextHeader(payloadType: payloadType, into: buffer.baseAddress!)
    return total
  }

  /// Returns the next packet as a new array: header and a copy of `payload`.
  public mutating func nextPacket(payloadType: UInt8, payload: [UInt8])
    throws(RTPSerializationError) -> [UInt8]
  {
    guard payloadType <= 127 else { throw .payloadTypeOutOfRange(Int(payloadType)) }
    var packet = [UInt8](repeating: 0, count: RTPHeader.fixedLength + payload.count)
    packet.withUnsafeMutableBytes { buffer in
      writeNextHeader(payloadType: payloadType, into: buffer.baseAddress!)
      for (index, byte) in payload.enumerated() { buffer[RTPHeader.fixedLength + index] = byte }
    }
    return packet
  }

  @usableFromInline
  internal mutating func writeNextHeader(payloadType: UInt8, into base: UnsafeMutableRawPointer) {
    Self.writeHeader(
      marker: markNext, payloadType: payloadType, sequenceNumber: sequenceNumber,
      timestamp: timestamp, ssrc: ssrc, into: base)
    advance()
  }

  /// Writes a 12-byte RTP header (version 2, no padding, extension or CSRC) at `base`.
  @inline(__always)
  static func writeHeader(
    marker: Bool, payloadType: UInt8, sequenceNumber: UInt16, timestamp: UInt32, ssrc: UInt32,
    into base: UnsafeMutableRawPointer
  ) {
    base.storeBytes(of: 0x80, as: UInt8.self)
    base.storeBytes(of: (marker ? 0x80 : 0) | payloadType, toByteOffset: 1, as: UInt8.self)
    base.storeBytes(of: sequenceNumber.bigEndian, toByteOffset: 2, as: UInt16.self)
    base.storeBytes(of: timestamp.bigEndian, toByteOffset: 4, as: UInt32.self)
    base.storeBytes(of: ssrc.bigEndian, toByteOffset: 8, as: UInt32.self)
  }

  @usableFromInline
  internal mutating func advance() {
    markNext = false
    lastTimestamp = timestamp
    packetCount &+= 1
    sequenceNumber &+= 1
    fraction += stepRemainder
    var step = stepWhole
    if fraction >= Self.fractionUnit {
      fraction -= Self.fractionUnit
      step &+= 1
    }
    timestamp &+= step
  }

  /// Sets whether the next packet carries the marker bit and returns the previous setting
  /// (librtpsynth's `rsynth_set_mbt`).
  @discardableResult
  public mutating func setMarker(_ marked: Bool) -> Bool {
    defer { markNext = marked }
    return markNext
  }

  /// Accounts for a discontinuity, such as a silence that voice activity detection suppressed:
  /// the next packet's timestamp is the last packet's plus `elapsedNanoseconds` of the RTP clock,
  /// and it carries the marker. The sequence number continues, since nothing was lost.
  ///
  /// The elapsed time counts once: calling this again before the next packet replaces the
  /// earlier call rather than adding to it (librtpsynth overshoots by one packet time and adds
  /// twice). Before the first packet there is no timestamp to move, so only the marker is set.
  public mutating func resync(elapsedNanoseconds: UInt64) {
    markNext = true
    guard let lastTimestamp else { return }
    let seconds = elapsedNanoseconds / 1_000_000_000
    let rest = elapsedNanoseconds % 1_000_000_000
    let rate = UInt64(sampleRate)
    let restSamples = rest * rate
    let whole = seconds &* rate &+ restSamples / 1_000_000_000
    timestamp = lastTimestamp &+ UInt32(truncatingIfNeeded: whole)
    fraction = (restSamples % 1_000_000_000) / 1000
  }

  /// Skips `count` packets as if they had been sent and lost: sequence number and timestamp move
  /// on, nothing is written, and a pending marker stays pending.
  public mutating func skip(_ count: Int) {
    precondition(count >= 0)
    let packets = UInt64(count)
    sequenceNumber &+= UInt16(truncatingIfNeeded: packets)
    let product = packets.multipliedFullWidth(by: stepRemainder)
    let (low, carry) = product.low.addingReportingOverflow(fraction)
    let (carried, newFraction) = Self.fractionUnit.dividingFullWidth(
      (high: product.high &+ (carry ? 1 : 0), low: low))
    fraction = newFraction
    timestamp &+= UInt32(truncatingIfNeeded: packets &* UInt64(stepWhole) &+ carried)
  }
}
