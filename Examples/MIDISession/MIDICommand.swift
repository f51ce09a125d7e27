/// One MIDI command of an RFC 6295 MIDI list: a delta time (in RTP timestamp units, from the
/// packet's timestamp for the first, from the previous command for the others) and the
/// command's bytes, status first.
struct MIDICommand: Hashable, Sendable {
  var delta: UInt32
  var bytes: [UInt8]

  static func noteOn(channel: UInt8, note: UInt8, velocity: UInt8, delta: UInt32 = 0) -> Self {
    MIDICommand(delta: delta, bytes: [0x90 | channel, note, velocity])
  }

  static func noteOff(channel: UInt8, note: UInt8, delta: UInt32 = 0) -> Self {
    MIDICommand(delta: delta, bytes: [0x80 | channel, note, 0])
  }

  static func controlChange(channel: UInt8, controller: UInt8, value: UInt8, delta: UInt32 = 0)
    -> Self
  {
    MIDICommand(delta: delta, bytes: [0xB0 | channel, controller, value])
  }

  /// Data bytes after a status byte (channel messages and the common system ones; SysEx is not
  /// used by this example).
  static func dataLength(status: UInt8) -> Int? {
    switch status & 0xF0 {
    case 0x80, 0x90, 0xA0, 0xB0, 0xE0: return 2
    case 0xC0, 0xD0: return 1
    default:
      switch status {
      case 0xF1, 0xF3: return 1
      case 0xF2: return 2
      case 0xF6, 0xF8...0xFF: return 0
      default: return nil
      }
    }
  }
}
