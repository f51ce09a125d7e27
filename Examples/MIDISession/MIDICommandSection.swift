/// The MIDI command section of an RTP MIDI payload (RFC 6295 section 3): a header with the B,
/// J, Z and P flags and LEN (the MIDI list's length in octets, 4 bits, or 12 with B), then the
/// MIDI list, each command preceded by its delta time (1 to 4 octets of 7 bits, the high bit
/// saying another follows). This example always sends the first delta (Z = 1), never uses
/// running status (P = 0) and has no recovery journal (J = 0).
enum MIDICommandSection {
  enum DecodeError: Error, Equatable {
    case empty, truncated, lengthPastEnd, badDelta
    case badStatus(UInt8)
  }

  /// The payload for `commands`.
  static func encode(_ commands: [MIDICommand]) -> [UInt8] {
    var list: [UInt8] = []
    for command in commands {
      list += deltaOctets(command.delta)
      list += command.bytes
    }
    precondition(list.count <= 0xFFF, "a MIDI list holds at most 4095 octets")
    if list.count <= 15 {
      return [0x20 | UInt8(list.count)] + list  // B=0 J=0 Z=1 P=0 LEN
    }
    return [0xA0 | UInt8(list.count >> 8), UInt8(list.count & 0xFF)] + list  // B=1 Z=1
  }

  /// The commands of `payload`.
  static func decode(_ payload: UnsafeRawBufferPointer) throws(DecodeError) -> [MIDICommand] {
    guard let first = payload.first else { throw .empty }
    let long = first & 0x80 != 0
    let firstHasDelta = first & 0x20 != 0
    var offset = long ? 2 : 1
    guard payload.count >= offset else { throw .truncated }
    let length = long ? Int(first & 0x0F) << 8 | Int(payload[1]) : Int(first & 0x0F)
    let end = offset + length
    guard end <= payload.count else { throw .lengthPastEnd }
    var commands: [MIDICommand] = []
    while offset < end {
      var delta: UInt32 = 0
      if !commands.isEmpty || firstHasDelta {
        var octets = 0
        while true {
          guard offset < end, octets < 4 else { throw .badDelta }
          let octet = payload[offset]
          offset += 1
          octets += 1
          delta = delta << 7 | UInt32(octet & 0x7F)
          if octet & 0x80 == 0 { break }
        }
      }
      guard offset < end else { throw .truncated }
      let status = payload[offset]
      guard status & 0x80 != 0, let count = MIDICommand.dataLength(status: status) else {
        throw .badStatus(status)
      }
      guard offset + 1 + count <= end else { throw .truncated }
      commands.append(MIDICommand(delta: delta, bytes: Array(payload[offset...(offset + count)])))
      offset += 1 + count
    }
    return commands
  }

  /// A delta time's octets, most significant first.
  static func deltaOctets(_ delta: UInt32) -> [UInt8] {
    precondition(delta < 1 << 28, "a delta time has at most 28 bits")
    var octets = [UInt8(delta & 0x7F)]
    var rest = delta >> 7
    while rest > 0 {
      octets.insert(UInt8(rest & 0x7F) | 0x80, at: 0)
      rest >>= 7
    }
    return octets
  }
}
