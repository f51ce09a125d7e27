import RTPCore
import Synchronization

/// The seed's example, a MIDI session (payload type 96): sends MIDI commands as RFC 6295
/// command sections and plays what arrives into a MIDI output (here, a log). It keeps the
/// notes sounding; when a packet comes after a loss (`previousLost`), the note-offs that may
/// have been lost are recovered by switching off every sounding note, so no note hangs.
///
/// It is built on the public API only: a subclass of `RTPSession` overriding `incomingRTP`,
/// sending with `send(data:timestamp:)`.
final class MIDISession: RTPSession, @unchecked Sendable {
  // @unchecked: what this subclass adds is in `output`, a Mutex.
  static let toolName = "ExampleStream"
  static let payloadType: UInt8 = 96
  /// RTP timestamp units per second: one per millisecond.
  static let clockRate = 1000

  /// One packet as it arrived, after the jitter buffer.
  struct Arrival: Sendable {
    var timestamp: UInt32
    var previousLost: Bool
    var commands: [MIDICommand]
  }

  struct Output: Sendable {
    /// Every command played, in order: received ones and the recovery's note-offs (marked).
    var played: [(command: MIDICommand, recovered: Bool)] = []
    /// The commands each packet carried, as decoded.
    var packets: [Arrival] = []
    /// Sounding notes: channel << 8 | note.
    var sounding: Set<UInt16> = []
    /// Note-offs the recovery sent.
    var recovered = 0
    var decodeErrors = 0
  }
  let output = Mutex(Output())

  init(
    peer: IPAddress, sendPort: UInt16?, receivePort: UInt16? = 0,
    initialSequenceNumber: UInt16? = nil
  ) throws(RTPSessionError) {
    var configuration = RTPSessionConfiguration(
      peer: peer, sendPort: sendPort, receivePort: receivePort, payloadType: Self.payloadType,
      clockRate: Self.clockRate, jitterBufferSize: 2, toolName: Self.toolName)
    configuration.minimumRTCPInterval = .milliseconds(200)
    configuration.initialSequenceNumber = initialSequenceNumber
    try super.init(configuration: configuration)
  }

  /// Sends `commands` at `time` milliseconds; returns the payload sent.
  @discardableResult
  func send(_ commands: [MIDICommand], time: UInt32) throws(RTPSessionError) -> [UInt8] {
    let payload = MIDICommandSection.encode(commands)
    try send(data: payload, timestamp: time)
    return payload
  }

  override func incomingRTP(
    cookie: RTPSessionCookie, timestamp: UInt32, payload: UnsafeRawBufferPointer,
    previousLost: Bool
  ) {
    let decoded: [MIDICommand]
    do {
      decoded = try MIDICommandSection.decode(payload)
    } catch {
      output.withLock { $0.decodeErrors += 1 }
      return
    }
    output.withLock { output in
      if previousLost {
        // Without a recovery journal, the safe recovery: switch off every sounding note.
        for key in output.sounding.sorted() {
          output.played.append(
            (.noteOff(channel: UInt8(key >> 8), note: UInt8(key & 0xFF)), true))
          output.recovered += 1
        }
        output.sounding.removeAll()
      }
      output.packets.append(
        Arrival(timestamp: timestamp, previousLost: previousLost, commands: decoded))
      for command in decoded {
        output.played.append((command, false))
        guard command.bytes.count == 3 else { continue }
        let key = UInt16(command.bytes[0] & 0x0F) << 8 | UInt16(command.bytes[1])
        switch command.bytes[0] & 0xF0 {
        case 0x90 where command.bytes[2] > 0: output.sounding.insert(key)
        case 0x80, 0x90: output.sounding.remove(key)
        default: break
        }
      }
    }
  }
}
