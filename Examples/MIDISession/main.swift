// midi-session: two MIDI sessions on loopback, the sender's packets crossing a lossy relay to
// the receiver, built on RTPCore's public API only (see README's Layout). It sends `--notes`
// notes (a note-on packet, then a note-off and a sustain-pedal release 5 ms later in one packet)
// and a volume fade of ten controller changes in one long command section; the relay drops the
// note-off packets of the notes `--drop` lists. It prints what was sent, dropped and arrived
// (with the previous-packet-lost flag), what the receiver played (the recovery's note-offs
// marked), and a summary. Exit status 0 when every packet not dropped arrived, 64 for a usage
// error, 69 when the sessions cannot run or the packets do not arrive within 10 s.

import RTPCore

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// The command line.
struct Options {
  var notes = 12
  var dropped: Set<Int> = [2, 5, 8]
  var receivePort: UInt16 = 0

  static let usage = """
    usage: midi-session [--notes N] [--drop K,K,...|none] [--receive-port PORT]
      --notes N            notes to play, 1 to 64 (default 12), from middle C up
      --drop K,...         notes (0 is the first) whose note-off packet the relay drops
                           (default 2,5,8; none drops nothing)
      --receive-port PORT  the receiver's RTP port, RTCP on the next (default 0: the kernel's)
    """

  /// The options of `arguments` (without the program's name), or a one-line reason.
  static func parse(_ arguments: [String]) -> Result<Options, UsageError> {
    var options = Options()
    var rest = arguments[...]
    while let option = rest.popFirst() {
      if option == "--help" || option == "-h" { return .failure(.help) }
      guard let value = rest.popFirst() else { return .failure(.bad("\(option) needs a value")) }
      switch option {
      case "--notes":
        guard let notes = Int(value), (1...64).contains(notes) else {
          return .failure(.bad("--notes: '\(value)' is not a number from 1 to 64"))
        }
        options.notes = notes
      case "--drop":
        if value == "none" {
          options.dropped = []
          continue
        }
        var dropped: Set<Int> = []
        for item in value.split(separator: ",", omittingEmptySubsequences: false) {
          guard let note = Int(item), note >= 0 else {
            return .failure(.bad("--drop: '\(item)' is not a note number"))
          }
          dropped.insert(note)
        }
        options.dropped = dropped
      case "--receive-port":
        guard let port = UInt16(value), port < .max else {
          return .failure(.bad("--receive-port: '\(value)' is not a port from 0 to 65534"))
        }
        options.receivePort = port
      default:
        return .failure(.bad("\(option): unknown option"))
      }
    }
    if let note = options.dropped.first(where: { $0 >= options.notes }) {
      return .failure(.bad("--drop: note \(note) is past the last note (\(options.notes - 1))"))
    }
    return .success(options)
  }
}

/// Why the command line was refused.
enum UsageError: Error {
  case help
  case bad(String)
}

/// Writes `line` to standard error.
func printError(_ line: String) {
  var text = line + "\n"
  text.withUTF8 { _ = write(2, $0.baseAddress, $0.count) }
}

/// Two hex digits per byte.
func hex(_ bytes: [UInt8]) -> String {
  bytes.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
}

/// `delta:bytes` per command, comma-separated.
func describe(_ commands: [MIDICommand]) -> String {
  commands.map { "\($0.delta):\(hex($0.bytes))" }.joined(separator: ",")
}

/// Runs the example; returns the exit status.
func run(_ options: Options) -> Int32 {
  let loopback = IPAddress("127.0.0.1")!
  let firstSequence: UInt16 = 1000
  let control = RTPControl(name: "midi-example")
  defer { control.shutdown() }
  let relayServer: RTPServer
  let relay: LossyRelay
  let receiver: MIDISession
  let sender: MIDISession
  // Packet 2k holds note k's note-on, packet 2k+1 its note-off and the pedal release.
  let dropped = options.dropped
  do {
    relayServer = try RTPServer(name: "midi-relay")
    relay = try LossyRelay(server: relayServer) { sequence in
      let index = Int(sequence &- firstSequence)
      return index % 2 == 1 && dropped.contains(index / 2)
    }
  } catch {
    printError("midi-session: relay: \(error)")
    return 69
  }
  defer { relayServer.shutdown() }
  do throws(RTPSessionError) {
    receiver = try MIDISession(peer: loopback, sendPort: nil, receivePort: options.receivePort)
    try control.startSession(control.addSession(receiver))
    guard let local = receiver.localRTPAddress else { throw .notRunning }
    relay.forward(to: Endpoint(address: loopback, port: local.port))
    sender = try MIDISession(
      peer: loopback, sendPort: relay.port, initialSequenceNumber: firstSequence)
    try control.startSession(control.addSession(sender))
    print("receiver \(local) relay 127.0.0.1:\(relay.port)")
  } catch {
    printError("midi-session: starting the sessions: \(error)")
    return 69
  }

  var sent: [(time: UInt32, payload: [UInt8])] = []
  do throws(RTPSessionError) {
    for k in 0..<options.notes {
      let note = UInt8(60 + k)
      let time = UInt32(k) * 200
      sent.append(
        (time, try sender.send([.noteOn(channel: 0, note: note, velocity: 90)], time: time)))
      usleep(10_000)
      let release: [MIDICommand] = [
        .noteOff(channel: 0, note: note),
        .controlChange(channel: 0, controller: 64, value: 0, delta: 5),
      ]
      sent.append((time + 100, try sender.send(release, time: time + 100)))
      usleep(10_000)
    }
    // The fade: ten volume steps 200 ms apart in one packet, a MIDI list past 15 octets.
    let fade = (0..<10).map {
      MIDICommand.controlChange(
        channel: 0, controller: 7, value: UInt8(100 - 10 * $0), delta: $0 == 0 ? 0 : 200)
    }
    let time = UInt32(options.notes) * 200
    sent.append((time, try sender.send(fade, time: time)))
  } catch {
    printError("midi-session: sending: \(error)")
    return 69
  }

  // Wait (up to 10 s, a guard against a hang) until every packet the relay let through arrived.
  let expected = sent.count - options.dropped.count
  var waited = 0
  while receiver.statistics.rtpReceived < expected && waited < 5000 {
    usleep(2000)
    waited += 1
  }
  let received = receiver.statistics.rtpReceived
  // Stopping the receiver delivers what its jitter buffer still holds.
  do throws(RTPSessionError) {
    if let cookie = receiver.cookie { try control.stopSession(cookie) }
    if let cookie = sender.cookie { try control.stopSession(cookie) }
  } catch {
    printError("midi-session: stopping the sessions: \(error)")
    return 69
  }

  for (index, packet) in sent.enumerated() {
    let sequence = firstSequence &+ UInt16(truncatingIfNeeded: index)
    print("sent seq=\(sequence) ts=\(packet.time) payload=\(hex(packet.payload))")
  }
  let droppedSequences = relay.dropped
  for sequence in droppedSequences { print("dropped seq=\(sequence)") }
  let output = receiver.output.withLock { $0 }
  for packet in output.packets {
    print(
      "arrived ts=\(packet.timestamp) lost=\(packet.previousLost ? "yes" : "no")"
        + " commands=\(describe(packet.commands))")
  }
  for (command, recovered) in output.played {
    print("played \(hex(command.bytes))\(recovered ? " recovered" : "")")
  }
  let sounding = output.sounding.sorted().map { String($0 & 0xFF) }.joined(separator: ",")
  print(
    "summary sent=\(sent.count) dropped=\(droppedSequences.count) arrived=\(output.packets.count)"
      + " recovered=\(output.recovered) decode-errors=\(output.decodeErrors)"
      + " sounding=\(sounding.isEmpty ? "none" : sounding)")
  guard received == expected else {
    printError("midi-session: receiving: \(received) of \(expected) packets arrived in 10 s")
    return 69
  }
  return 0
}

switch Options.parse(Array(CommandLine.arguments.dropFirst())) {
case .success(let options):
  exit(run(options))
case .failure(.help):
  print(Options.usage)
  exit(0)
case .failure(.bad(let reason)):
  printError("midi-session: \(reason) (see --help)")
  exit(64)
}
