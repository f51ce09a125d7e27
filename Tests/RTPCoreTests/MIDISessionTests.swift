import RTPCore
import Testing

@testable import RTPNetwork
@testable import RTPSessions

@Suite("The MIDI example: RFC 6295 command sections between two sessions", .serialized)
struct MIDISessionTests {
  @Test("Command sections round-trip: LEN in octets, short and long headers, delta times")
  func commandSection() throws {
    let short = [MIDICommand.noteOn(channel: 0, note: 60, velocity: 100)]
    let shortBytes = MIDICommandSection.encode(short)
    #expect(shortBytes == [0x24, 0x00, 0x90, 60, 100])  // Z=1, LEN=4
    let long = (0..<10).map {
      MIDICommand.controlChange(
        channel: 1, controller: 7, value: UInt8($0), delta: 200 * UInt32($0))
    }
    let longBytes = MIDICommandSection.encode(long)
    #expect(longBytes[0] & 0x80 != 0)  // B=1
    #expect(Int(longBytes[0] & 0x0F) << 8 | Int(longBytes[1]) == longBytes.count - 2)
    #expect(MIDICommandSection.deltaOctets(200) == [0x81, 0x48])
    for (commands, bytes) in [(short, shortBytes), (long, longBytes)] {
      let decoded = try bytes.withUnsafeBytes { try MIDICommandSection.decode($0) }
      #expect(decoded == commands)
    }
  }

  @Test("Notes cross loopback; after dropped packets previousLost recovers the lost note-offs")
  func notesWithLoss() throws {
    let control = RTPControl(name: "test-midi")
    defer { control.shutdown() }
    let relays = try RTPServer(name: "test-midi-relay")
    defer { relays.shutdown() }
    // Packet 2k holds note k's note-on, packet 2k+1 its note-off and a controller change 5 ms
    // later; the note-offs of notes 2, 5 and 8 are dropped on the way.
    let first: UInt16 = 1000
    let droppedNotes: Set<Int> = [2, 5, 8]
    let relay = try DelayProxy(
      server: relays,
      shouldDrop: { sequence in
        let index = Int(sequence &- first)
        return index % 2 == 1 && droppedNotes.contains(index / 2)
      })
    let receiver = try MIDISession(peer: loopback, sendPort: nil)
    try control.startSession(control.addSession(receiver))
    relay.forward(to: receiver.localRTPAddress?.port)
    let sender = try MIDISession(
      peer: loopback, sendPort: relay.port, initialSequenceNumber: first)
    try control.startSession(control.addSession(sender))

    let notes = 12
    for k in 0..<notes {
      let note = UInt8(60 + k)
      try sender.send([.noteOn(channel: 0, note: note, velocity: 90)], time: UInt32(k) * 200)
      pause(0.01)
      try sender.send(
        [
          .noteOff(channel: 0, note: note),
          .controlChange(channel: 0, controller: 64, value: 0, delta: 5),
        ], time: UInt32(k) * 200 + 100)
      pause(0.01)
    }
    let expected = 2 * notes - droppedNotes.count
    #expect(waitFor { receiver.statistics.rtpReceived == expected })
    try control.stopSession(receiver.cookie!)

    let output = receiver.output.withLock { $0 }
    #expect(output.decodeErrors == 0)
    #expect(output.packets.count == expected)
    #expect(output.recovered == droppedNotes.count)
    #expect(output.sounding.isEmpty, "hanging notes: \(output.sounding)")
    // Every note that was switched on was switched off, by the sender or by the recovery.
    let ons = output.played.filter { $0.bytes[0] & 0xF0 == 0x90 }.map { $0.bytes[1] }
    let offs = output.played.filter { $0.bytes[0] & 0xF0 == 0x80 }.map { $0.bytes[1] }
    #expect(ons.sorted() == offs.sorted())
    #expect(ons.count == notes)
    // The commands that arrived are the ones sent, delta times included.
    let second = try #require(output.packets.first { $0.commands.count == 2 })
    #expect(second.commands[1] == .controlChange(channel: 0, controller: 64, value: 0, delta: 5))
  }
}
