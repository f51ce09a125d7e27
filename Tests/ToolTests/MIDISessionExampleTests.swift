import Foundation
import Testing

/// The example embedder, midi-session (Examples/MIDISession): two MIDI sessions built on
/// RTPCore's public API, their RFC 6295 command sections crossing a relay that drops chosen
/// note-off packets. What was sent is checked against the RFC's encoding computed here, what
/// arrived against what was sent, and the recovery against the losses.
@Suite("midi-session: the public-API example, RFC 6295 command sections between two sessions")
struct MIDISessionExampleTests {
  /// What one run printed, by line kind.
  struct Run {
    var receiver: String?
    var sent: [(sequence: Int, timestamp: Int, payload: String)] = []
    var dropped: [Int] = []
    var arrived: [(timestamp: Int, lost: Bool, commands: String)] = []
    var played: [(bytes: String, recovered: Bool)] = []
    var summary: [String: String] = [:]

    init(_ lines: [String]) {
      for line in lines {
        let words = line.split(separator: " ").map(String.init)
        var fields: [String: String] = [:]
        for word in words.dropFirst() {
          let pair = word.split(separator: "=", maxSplits: 1).map(String.init)
          if pair.count == 2 { fields[pair[0]] = pair[1] }
        }
        switch words.first {
        case "receiver": receiver = words.count > 1 ? words[1] : nil
        case "sent":
          sent.append(
            (Int(fields["seq"] ?? "") ?? -1, Int(fields["ts"] ?? "") ?? -1, fields["payload"] ?? "")
          )
        case "dropped": dropped.append(Int(fields["seq"] ?? "") ?? -1)
        case "arrived":
          arrived.append(
            (Int(fields["ts"] ?? "") ?? -1, fields["lost"] == "yes", fields["commands"] ?? ""))
        case "played": played.append((words.count > 1 ? words[1] : "", words.last == "recovered"))
        case "summary": summary = fields
        default: break
        }
      }
    }
  }

  /// Two hex digits per byte.
  static func hex(_ bytes: [UInt8]) -> String {
    bytes.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
  }

  /// The packets the example sends for `notes` notes, as RFC 6295 section 3 encodes them: the
  /// commands of each (`delta:bytes`) and the payload. Note k (from 60) at 200k ms: a note-on;
  /// 100 ms later its note-off and, 5 ms after it, a sustain-pedal release; then ten volume
  /// steps 200 ms apart.
  static func expectedPackets(notes: Int) -> [(timestamp: Int, commands: String, payload: String)] {
    var packets: [(Int, String, String)] = []
    for k in 0..<notes {
      let note = hex([UInt8(60 + k)])
      // Short header: B=0 J=0 Z=1 P=0, LEN in octets; the first delta (0) is present (Z=1).
      packets.append((200 * k, "0:90\(note)5a", "24" + "00" + "90\(note)5a"))
      packets.append(
        (200 * k + 100, "0:80\(note)00,5:b04000", "28" + "00" + "80\(note)00" + "05" + "b04000"))
    }
    let volumes = (0..<10).map { hex([UInt8(100 - 10 * $0)]) }
    let commands = volumes.enumerated().map { "\($0.offset == 0 ? 0 : 200):b007\($0.element)" }
    // 200 as a delta time is two octets, 0x81 0x48 (1 << 7 | 72); the list is 4 + 9 * 5 = 49
    // octets, past LEN's 4 bits, so the long header: B=1, LEN in 12 bits (0xA0 0x31).
    let list = "00b007" + volumes[0] + volumes.dropFirst().map { "8148b007" + $0 }.joined()
    packets.append((200 * notes, commands.joined(separator: ","), "a031" + list))
    return packets
  }

  @Test(
    "Sections sent are RFC 6295's bytes; those not dropped arrive decoded as sent, after a loss flagged and its note-offs recovered",
    arguments: [(12, [2, 5, 8]), (4, []), (6, [0, 1, 5])])
  func lossyRelay(notes: Int, drop: [Int]) throws {
    let dropOption = drop.isEmpty ? "none" : drop.map(String.init).joined(separator: ",")
    let result = Shell.run("midi-session --notes \(notes) --drop \(dropOption)")
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stderr.isEmpty, "\(result.stderr)")
    let run = Run(result.lines)
    let expected = Self.expectedPackets(notes: notes)

    // Sent: every packet, sequence numbers from 1000, the encoding computed above.
    #expect(run.sent.map(\.sequence) == Array(1000..<(1000 + expected.count)))
    #expect(run.sent.map(\.timestamp) == expected.map(\.timestamp))
    #expect(run.sent.map(\.payload) == expected.map(\.payload))
    let long = try #require(run.sent.last?.payload)
    let lengthField = Int(long.prefix(4), radix: 16)! & 0x0FFF
    #expect(lengthField == long.count / 2 - 2, "LEN counts the MIDI list's octets")

    // Dropped: note k's note-off packet, 2k + 1 after the first.
    let droppedIndices = drop.map { 2 * $0 + 1 }
    #expect(run.dropped == droppedIndices.map { 1000 + $0 })

    // Arrived: every other packet, in order, decoded to the commands sent (delta times
    // included); previousLost on exactly those after a dropped one.
    let kept = expected.indices.filter { !droppedIndices.contains($0) }
    #expect(run.arrived.map(\.timestamp) == kept.map { expected[$0].timestamp })
    #expect(run.arrived.map(\.commands) == kept.map { expected[$0].commands })
    #expect(run.arrived.map(\.lost) == kept.map { droppedIndices.contains($0 - 1) })

    // Played: every note switched on is switched off, by the sender or by the recovery, which
    // switched off exactly the notes whose note-off was lost.
    let ons = run.played.filter { $0.bytes.hasPrefix("90") }.map { $0.bytes.dropFirst(2).prefix(2) }
    let offs = run.played.filter { $0.bytes.hasPrefix("80") }.map {
      $0.bytes.dropFirst(2).prefix(2)
    }
    #expect(ons.count == notes)
    #expect(ons.sorted() == offs.sorted())
    let recovered = run.played.filter(\.recovered).map(\.bytes)
    #expect(recovered == drop.sorted().map { "80\(Self.hex([UInt8(60 + $0)]))00" })

    #expect(
      run.summary == [
        "sent": "\(expected.count)", "dropped": "\(drop.count)", "arrived": "\(kept.count)",
        "recovered": "\(drop.count)", "decode-errors": "0", "sounding": "none",
      ])
  }

  @Test("The receiver listens on the port given, RTCP on the next")
  func receivePort() throws {
    let port = RTPSendRecvToolTests.port(count: 2)
    let result = Shell.run(
      "midi-session --notes 2 --drop none --receive-port \(port)")
    #expect(result.status == 0, "\(result.stderr)")
    let run = Run(result.lines)
    #expect(run.receiver == "127.0.0.1:\(port)" || run.receiver == "0.0.0.0:\(port)")
    #expect(run.summary["arrived"] == "5")
  }

  @Test("A port already taken ends the run with status 69 and one line naming the step")
  func portTaken() throws {
    let port = RTPSendRecvToolTests.port(count: 2)
    let result = Shell.run(
      """
      \(RTPSendRecvToolTests.waitPort)
      rtprecv --listen 0.0.0.0:\(port) --duration 20 > /dev/null 2>&1 & pid=$!
      waitport \(port) || { kill $pid; exit 1; }
      midi-session --receive-port \(port); status=$?
      kill $pid; wait $pid 2>/dev/null
      exit $status
      """)
    #expect(result.status == 69, "\(result.output)")
    let lines = result.stderr.split(separator: "\n")
    #expect(lines.count == 1)
    #expect(
      lines.first?.hasPrefix("midi-session: starting the sessions: ") == true, "\(result.stderr)")
  }

  @Test(
    "Bad command lines: status 64 and one line on standard error",
    arguments: [
      ("--notes 0", "--notes: '0' is not a number from 1 to 64"),
      ("--notes 65", "--notes: '65' is not a number from 1 to 64"),
      ("--drop 12", "--drop: note 12 is past the last note (11)"),
      ("--drop 1,x", "--drop: 'x' is not a note number"),
      ("--receive-port 65535", "--receive-port: '65535' is not a port from 0 to 65534"),
      ("--notes", "--notes needs a value"),
      ("--loud yes", "--loud: unknown option"),
    ])
  func usage(arguments: String, reason: String) {
    let result = Shell.run("midi-session \(arguments)")
    #expect(result.status == 64)
    #expect(result.output.isEmpty)
    #expect(result.stderr == "midi-session: \(reason) (see --help)\n")
  }

  @Test("--help prints the options and exits 0")
  func help() {
    let result = Shell.run("midi-session --help")
    #expect(result.status == 0)
    for option in ["--notes", "--drop", "--receive-port"] {
      #expect(result.output.contains(option))
    }
  }
}
