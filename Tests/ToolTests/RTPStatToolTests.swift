import Foundation
import Testing

/// One row of `tshark -z rtp,streams` as ../shared/corpus/tshark-rtp-streams.txt holds it.
struct TsharkRow {
  var key: String
  var start: String
  var end: String
  var payload: String
  var packets: Int
  var lost: Int
  var deltas: [Double]
  var jitters: [Double]
  var problems: Bool

  /// Parses a data row, `nil` for anything else. The payload name may hold spaces, so the
  /// columns after it are read from the end.
  init?(_ line: Substring) {
    var words = line.split(separator: " ").map(String.init)
    guard words.count >= 17, words[6].hasPrefix("0x") else { return nil }
    problems = words.last == "X"
    if problems { words.removeLast() }
    let numbers = words.suffix(6).compactMap(Double.init)
    guard numbers.count == 6, let packets = Int(words[words.count - 9]),
      let lost = Int(words[words.count - 8])
    else { return nil }
    deltas = Array(numbers[0..<3])
    jitters = Array(numbers[3..<6])
    self.packets = packets
    self.lost = lost
    start = words[0]
    end = words[1]
    key =
      "\(UInt32(words[6].dropFirst(2), radix: 16)!) \(words[2]):\(words[3]) \(words[4]):\(words[5])"
    payload = words[7..<(words.count - 9)].joined(separator: " ")
  }
}

@Suite("rtpstat")
struct RTPStatToolTests {
  static let corpus = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("shared/corpus")

  /// File name → tshark's rows.
  static func tsharkRows() -> [String: [TsharkRow]] {
    let listing = corpus.appendingPathComponent("tshark-rtp-streams.txt")
    guard let text = try? String(contentsOf: listing, encoding: .utf8) else { return [:] }
    var rows: [String: [TsharkRow]] = [:]
    var file: String?
    for line in text.split(separator: "\n") {
      if line.hasPrefix("### ") {
        file = String(line.dropFirst(4))
        rows[file!] = []
      } else if let file, let row = TsharkRow(line) {
        rows[file]!.append(row)
      }
    }
    return rows
  }

  static func objects(_ output: Data) -> [[String: Any]] {
    (try? JSONSerialization.jsonObject(with: output)) as? [[String: Any]] ?? []
  }

  @Test("every corpus capture: packets, lost, deltas and jitter equal tshark's")
  func corpus() throws {
    let expected = Self.tsharkRows()
    guard !expected.isEmpty else {
      print("skipped: no corpus at \(Self.corpus.path)")
      return
    }
    #expect(expected.count == 8)
    for (file, rows) in expected.sorted(by: { $0.key < $1.key }) {
      Self.compare(file, with: rows)
    }
  }

  /// File name → tshark's rows for the SIP captures with the RTP heuristic on, from
  /// tshark-sip-calls.txt: the streams named through their SDP (`opus`, `H264`, `DVI4 16k`)
  /// and the others.
  static func tsharkSIPRows() -> [String: [TsharkRow]] {
    let listing = corpus.appendingPathComponent("tshark-sip-calls.txt")
    guard let text = try? String(contentsOf: listing, encoding: .utf8) else { return [:] }
    var rows: [String: [TsharkRow]] = [:]
    var file: String?
    var heuristic = false
    for line in text.split(separator: "\n") {
      if line.hasPrefix("### ") {
        file = String(line.dropFirst(4))
        rows[file!] = []
        heuristic = false
      } else if line.hasPrefix("# ") {
        heuristic = line.contains("heuristic")
      } else if line.hasPrefix("tshark") {
        heuristic = false
      } else if heuristic, let file, let row = TsharkRow(line) {
        rows[file]!.append(row)
      }
    }
    return rows
  }

  @Test("the SIP captures: streams named and clocked by their SDP, as tshark has them")
  func corpusWithSignalling() throws {
    let expected = Self.tsharkSIPRows()
    guard !expected.isEmpty else {
      print("skipped: no corpus at \(Self.corpus.path)")
      return
    }
    #expect(expected.count == 2)
    #expect(expected.values.reduce(0) { $0 + $1.count } == 10)
    for (file, rows) in expected.sorted(by: { $0.key < $1.key }) {
      Self.compare(file, with: rows)
    }
  }

  /// rtpstat's JSON for the corpus capture `file` against tshark's `rows`.
  static func compare(_ file: String, with rows: [TsharkRow]) {
    let path = Self.corpus.appendingPathComponent(file).path
    let result = Shell.run("rtpstat --json '\(path)'")
    #expect(result.status == 0, "\(file): \(result.stderr)")
    var streams: [String: [String: Any]] = [:]
    for object in Self.objects(result.stdout) {
      let key =
        "\(object["ssrc"] as! Int) \(object["src"] as! String):\(object["srcPort"] as! Int)"
        + " \(object["dst"] as! String):\(object["dstPort"] as! Int)"
      streams[key] = object
    }
    #expect(streams.count == rows.count, "\(file)")
    for row in rows {
      guard let stream = streams[row.key] else {
        Issue.record("\(file): no stream \(row.key)")
        continue
      }
      let context = "\(file) \(row.key)"
      func number(_ key: String) -> Double { (stream[key] as? NSNumber)?.doubleValue ?? .nan }
      #expect(stream["packets"] as? Int == row.packets, "\(context)")
      #expect(stream["lost"] as? Int == row.lost, "\(context)")
      #expect(stream["payloadType"] as? String == row.payload, "\(context)")
      #expect(stream["problems"] as? Bool == row.problems, "\(context)")
      #expect(abs(number("start") - Double(row.start)!) < 1e-7, "\(context) start")
      #expect(abs(number("end") - Double(row.end)!) < 1e-7, "\(context) end")
      // Whole microseconds, printed with 3 decimals of ms: equal.
      #expect(abs(number("minDeltaMs") - row.deltas[0]) < 1e-7, "\(context) min delta")
      #expect(abs(number("maxDeltaMs") - row.deltas[2]) < 1e-7, "\(context) max delta")
      #expect(abs(number("meanDeltaMs") - row.deltas[1]) < 0.0015, "\(context) mean delta")
      #expect(abs(number("minJitterMs") - row.jitters[0]) < 0.01, "\(context) min jitter")
      #expect(abs(number("meanJitterMs") - row.jitters[1]) < 0.01, "\(context) mean jitter")
      #expect(abs(number("maxJitterMs") - row.jitters[2]) < 0.01, "\(context) max jitter")
    }
  }

  @Test("the table has tshark's columns plus Dups and Reord, and --json its keys in order")
  func formats() {
    let table = Shell.run("rtpgen --count 50 --seed 3 --pt 8 | rtpstat")
    #expect(table.status == 0)
    #expect(table.lines.count == 2)
    #expect(table.lines.first?.contains("Max Jitter(ms)  Dups Reord Problems?") == true)
    #expect(table.lines.last?.contains("g711A    50     0 (0.0%)") == true)
    let json = Shell.run("rtpgen --count 50 --seed 3 | rtpstat --json")
    let text = json.output
    let keys = [
      "ssrc", "src", "srcPort", "dst", "dstPort", "payloadType", "packets", "lost", "duplicates",
      "reordered", "start", "end", "minDeltaMs", "meanDeltaMs", "maxDeltaMs", "minJitterMs",
      "meanJitterMs", "maxJitterMs", "problems",
    ]
    var position = text.startIndex
    for key in keys {
      guard let found = text.range(of: "\"\(key)\":", range: position..<text.endIndex) else {
        Issue.record("no key \(key) in \(text)")
        return
      }
      position = found.upperBound
    }
    let objects = Self.objects(json.stdout)
    #expect(objects.count == 1)
    #expect(objects.first?["packets"] as? Int == 50)
    #expect(objects.first?.count == keys.count)
    #expect(Shell.run("rtpgen --count 0 | rtpstat --json").output == "[]\n")
  }

  @Test("duplicates and reordered packets are counted apart")
  func duplicatesAndReordering() throws {
    let dir = Shell.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    // Ten packets; the 4th moved 0.5 s later (reordered) and the 6th repeated 1 ms later
    // (duplicate), with Wireshark's editcap and mergecap.
    guard Shell.has("editcap") && Shell.has("mergecap") else {
      print("skipped: no editcap")
      return
    }
    let made = Shell.run(
      "rtpgen --count 10 --seed 5 > a.pcap && editcap -r a.pcap first.pcap 1-3 5-10"
        + " && editcap -r a.pcap late.pcap 4 && editcap -r a.pcap dup.pcap 6"
        + " && editcap -t 0.5 late.pcap late2.pcap && editcap -t 0.001 dup.pcap dup2.pcap"
        + " && mergecap -w b.pcap first.pcap late2.pcap dup2.pcap", in: dir)
    #expect(made.status == 0, "\(made.stderr)")
    let result = Shell.run("rtpstat --json b.pcap", in: dir)
    let stream = Self.objects(result.stdout).first
    #expect(stream?["packets"] as? Int == 11)
    #expect(stream?["duplicates"] as? Int == 1)
    #expect(stream?["reordered"] as? Int == 1)
    #expect(stream?["problems"] as? Bool == true)
  }

  @Test("a late packet, a duplicate and a sequence wrap: equal to the installed tshark")
  func lateAgainstTshark() {
    guard Shell.has("tshark") && Shell.has("editcap") && Shell.has("mergecap") else {
      print("skipped: no tshark")
      return
    }
    let dir = Shell.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let made = Shell.run(
      "rtpgen --count 3000 --seed 5 --seq 65000 > a.pcap && editcap -r a.pcap first.pcap 1-3 5-100 102-2999"
        + " && editcap -r a.pcap late.pcap 4 && editcap -r a.pcap dup.pcap 6"
        + " && editcap -t 0.5 late.pcap late2.pcap && editcap -t 0.001 dup.pcap dup2.pcap"
        + " && mergecap -w b.pcap first.pcap late2.pcap dup2.pcap", in: dir)
    #expect(made.status == 0, "\(made.stderr)")
    let ours = Shell.run("rtpstat b.pcap", in: dir).lines.last ?? ""
    let theirs =
      Shell.run(
        "tshark -n -r b.pcap -q --enable-heuristic rtp_udp -z rtp,streams 2>/dev/null", in: dir
      )
      .lines.first { $0.contains("0x") } ?? ""
    // tshark's row is ours without Dups and Reord (and with narrower time columns).
    var words = ours.split(separator: " ").map(String.init)
    words.removeSubrange((words.count - 3)..<(words.count - 1))
    #expect(words == theirs.split(separator: " ").map(String.init), "\(ours)\n\(theirs)")
  }

  @Test("--clock-rate gives a dynamic type jitter; --plot draws every stream")
  func clockRateAndPlot() throws {
    let dir = Shell.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let plain = Shell.run("rtpgen --count 100 --seed 9 --pt 96 | rtpstat --json")
    #expect(Self.objects(plain.stdout).first?["minJitterMs"] as? Int == -1)
    let rated = Shell.run(
      "rtpgen --count 100 --seed 9 --pt 96 > a.pcap; rtpgen --count 50 --seed 2 > b.pcap;"
        + " mergecap -w c.pcap a.pcap b.pcap 2>/dev/null || cat a.pcap > c.pcap;"
        + " rtpstat --json --clock-rate 96=8000 --plot p.svg c.pcap", in: dir)
    #expect(rated.status == 0, "\(rated.stderr)")
    let objects = Self.objects(rated.stdout)
    let dynamic = objects.first { $0["payloadType"] as? String == "RTPType-96" }
    #expect((dynamic?["minJitterMs"] as? NSNumber)?.doubleValue ?? -1 >= 0)
    let svg = try String(contentsOf: dir.appendingPathComponent("p.svg"), encoding: .utf8)
    #expect(svg.hasPrefix("<svg xmlns=\"http://www.w3.org/2000/svg\""))
    #expect(svg.hasSuffix("</svg>\n"))
    // Delta for each stream, jitter for each stream with a clock rate.
    #expect(svg.components(separatedBy: "<polyline").count - 1 == 2 * objects.count)
    #expect(svg.contains("Jitter (ms)") && svg.contains("Time (s)"))
    if Shell.has("xmllint") {
      #expect(Shell.run("xmllint --noout p.svg", in: dir).status == 0)
    }
    #expect(Shell.run("rtpstat --clock-rate 96 < /dev/null").status == 64)
    #expect(Shell.run("rtpstat --clock-rate 200=8000 < /dev/null").status == 64)
  }

  @Test("--stats accounts for every record: streams, a non-IP frame and a UDP datagram not RTP")
  func statsAddUp() throws {
    guard Shell.has("text2pcap") && Shell.has("mergecap") else {
      print("skipped: no text2pcap")
      return
    }
    let dir = Shell.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let made = Shell.run(
      """
      set -e
      printf '0000 00 01 08 00 06 04 00 01 00 11 22 33 44 55 0a 00 00 01 00 00 00 00 00 00\\n' \
        | text2pcap -q -e 0x806 - arp.pcap
      printf '0000 01 02 03\\n' | text2pcap -q -u 4000,5004 - udp.pcap
      rtpgen --count 6 --seed 1 > a.pcap
      rtpgen --count 5 --seed 2 --dst 127.0.0.1:5006 > b.pcap
      mergecap -F pcap -w mixed.pcap a.pcap b.pcap arp.pcap udp.pcap
      """, in: dir)
    try #require(made.status == 0, "\(made.stderr)")
    let result = Shell.run("rtpstat --stats mixed.pcap > /dev/null", in: dir)
    #expect(result.status == 0)
    let lines = result.stderr.split(separator: "\n")
    #expect(lines.first == "rtpstat: mixed.pcap: skipped 2 packets: 1 not IP, 1 UDP not RTP")
    #expect(
      lines.last
        == #"{"read":13,"streams":2,"packets":11,"untracked":0,"parseErrors":0,"skipped":2,"fragments":0,"truncated":0}"#
    )
    let quiet = Shell.run("rtpstat mixed.pcap > /dev/null", in: dir)
    #expect(quiet.stderr.split(separator: "\n").count == 1, "no counters without --stats")
  }

  @Test("bad input: one line and 65, the streams read so far still printed")
  func badInput() {
    let missing = Shell.run("rtpstat /nonexistent/x.pcap")
    #expect(missing.status == 66)
    #expect(missing.stderr == "rtpstat: /nonexistent/x.pcap: no such file or directory\n")
    let garbage = Shell.run("printf 'hello world' | rtpstat")
    #expect(garbage.status == 65)
    #expect(garbage.stderr.hasPrefix("rtpstat: stdin: byte 0: not a pcap"))
    #expect(garbage.stderr.split(separator: "\n").count == 1)
    let cut = Shell.run("rtpgen --count 100 --seed 1 | head -c 5000 | rtpstat --json")
    #expect(cut.status == 65)
    #expect(cut.stderr.split(separator: "\n").count == 1)
    let packets = Self.objects(cut.stdout).first?["packets"] as? Int ?? 0
    #expect(packets > 0 && packets < 100)
    let dir = Shell.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let closed = Shell.run(
      "rtpgen --count 1 --seed 1 > one.pcap; { rtpstat one.pcap; echo $? > status; }"
        + " | head -c 1 > /dev/null; cat status", in: dir)
    #expect(closed.output == "0\n")
  }
}

@Suite("rtpstat's manual")
struct RTPStatManualTests {
  static let page = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("man/man1/rtpstat.1")

  @Test("mandoc finds nothing to warn about")
  func lint() {
    guard Shell.has("mandoc") else {
      print("skipped: no mandoc")
      return
    }
    let result = Shell.run("mandoc -Tlint -Wwarning '\(Self.page.path)'")
    #expect(result.status == 0, "\(result.output)\(result.stderr)")
  }
}

extension RTPStatToolTests {
  @Test("--sdp FILE names and clocks a dynamic type as --clock-rate clocks it")
  func sessionDescriptionFile() throws {
    let dir = Shell.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let sdp =
      "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=x\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
      + "m=audio 5004 RTP/AVP 97\r\na=rtpmap:97 speex/16000\r\n"
    try sdp.write(to: dir.appendingPathComponent("call.sdp"), atomically: true, encoding: .utf8)
    let made = Shell.run(
      "rtpgen --codec speex/16000 --pt 97 --tone 440 --duration 2 > s.pcap", in: dir)
    try #require(made.status == 0, "\(made.stderr)")
    let plain = Self.objects(Shell.run("rtpstat --json s.pcap", in: dir).stdout)
    let named = Self.objects(Shell.run("rtpstat --sdp call.sdp --json s.pcap", in: dir).stdout)
    let clocked = Self.objects(
      Shell.run("rtpstat --clock-rate 97=16000 --json s.pcap", in: dir).stdout)
    try #require(plain.count == 1 && named.count == 1 && clocked.count == 1)
    #expect(plain[0]["payloadType"] as? String == "RTPType-97")
    #expect((plain[0]["maxJitterMs"] as? NSNumber)?.doubleValue == 0)
    #expect(named[0]["payloadType"] as? String == "speex")
    #expect(
      (named[0]["meanJitterMs"] as? NSNumber)?.doubleValue
        == (clocked[0]["meanJitterMs"] as? NSNumber)?.doubleValue)
    #expect((named[0]["minJitterMs"] as? NSNumber)?.doubleValue ?? -1 >= 0)
    let broken = Shell.run("printf 'nope' > bad.sdp && rtpstat --sdp bad.sdp s.pcap", in: dir)
    #expect(broken.status == 65, "\(broken.stderr)")
  }
}
