import Foundation
import RTPCore
import SystemPackage
import Testing

@Suite("rtpjb in pipelines")
struct RTPJBToolTests {
  static let tshark = Shell.has("tshark")
  static let corpus = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("shared/corpus")

  /// The path of a corpus file, or `nil` (with a message saying the test skipped) without one.
  static func corpusFile(_ name: String) -> String? {
    let url = corpus.appendingPathComponent(name)
    guard FileManager.default.fileExists(atPath: url.path) else {
      print("skipped: no corpus file at \(url.path)")
      return nil
    }
    return url.path
  }

  /// The `--stats` object on the last line of standard error.
  static func stats(_ result: Shell.Result) -> [String: Int] {
    guard let line = result.stderr.split(separator: "\n").last(where: { $0.hasPrefix("{") })
    else { return [:] }
    var values: [String: Int] = [:]
    for field in line.dropFirst().dropLast().split(separator: ",") {
      let parts = field.split(separator: ":")
      guard parts.count == 2, let value = Int(parts[1]) else { continue }
      values[String(parts[0].dropFirst().dropLast())] = value
    }
    return values
  }

  /// Whether the counters account for every record read exactly once.
  static func balanced(_ stats: [String: Int]) -> Bool {
    let parts = [
      "ready", "late", "duplicates", "outOfSequence", "parseErrors", "skipped", "otherStreams",
      "fragments",
    ]
    return stats["read"] != nil && parts.map { stats[$0] ?? -1 }.reduce(0, +) == stats["read"]
  }

  /// Per SSRC of `file`: packets, and packets minus distinct sequence numbers, as tshark sees them.
  static func tsharkDuplicates(_ file: String) -> [String: (packets: Int, duplicates: Int)] {
    let result = Shell.run(
      "tshark -n -r \(file) --enable-heuristic rtp_udp -Y rtp -T fields -e rtp.ssrc -e rtp.seq")
    var seen: [String: [String: Int]] = [:]
    for line in result.lines {
      let fields = line.split(separator: "\t").map(String.init)
      guard fields.count == 2 else { continue }
      seen[fields[0], default: [:]][fields[1], default: 0] += 1
    }
    return seen.mapValues { counts in
      let packets = counts.values.reduce(0, +)
      return (packets, packets - counts.count)
    }
  }

  /// Reads every datagram of `file` and writes those `transform` returns, in its order, as a
  /// pcap: scrambled, lossy or merged captures from rtpgen's.
  static func rewrite(
    _ files: [String], to output: String,
    _ transform: ([(Int64, Endpoint, Endpoint, [UInt8])]) -> [(Int64, Endpoint, Endpoint, [UInt8])]
  ) throws {
    var all: [(Int64, Endpoint, Endpoint, [UInt8])] = []
    for file in files {
      let descriptor = try FileDescriptor.open(FilePath(file), .readOnly)
      defer { try? descriptor.close() }
      let reader = try DatagramReader(source: InputSource(fileDescriptor: descriptor))
      while let datagram = try reader.next() {
        all.append(
          (datagram.timestamp, datagram.source, datagram.destination, Array(datagram.payload)))
      }
    }
    let descriptor = try FileDescriptor.open(
      FilePath(output), .writeOnly, options: [.create, .truncate],
      permissions: [.ownerReadWrite])
    defer { try? descriptor.close() }
    let writer = try CaptureWriter(sink: OutputSink(fileDescriptor: descriptor), format: .pcap)
    for (time, source, destination, payload) in transform(all) {
      _ = try payload.withUnsafeBytes { bytes in
        try writer.write(
          UDPDatagram(
            timestamp: time, source: source, destination: destination, payload: bytes))
      }
    }
    try writer.finish()
  }

  // MARK: The corpus

  @Test("rtpproxy_dups_g729: exactly one duplicate dropped, 383 ready, no erasure")
  func corpusDuplicate() throws {
    guard let file = Self.corpusFile("rtpproxy_dups_g729.pcap") else { return }
    let result = Shell.run("rtpjb --stats \(file) > /dev/null")
    #expect(result.status == 0, "\(result.stderr)")
    let stats = Self.stats(result)
    #expect(stats["duplicates"] == 1)
    #expect(stats["ready"] == 383)
    #expect(stats["erasures"] == 0 && stats["late"] == 0)
    #expect(Self.balanced(stats))
  }

  @Test("rtpproxy_lost_g729: 321 packets erased, all 244 received played")
  func corpusLoss() throws {
    guard let file = Self.corpusFile("rtpproxy_lost_g729.pcap") else { return }
    let result = Shell.run("rtpjb --stats \(file) > /dev/null")
    #expect(result.status == 0, "\(result.stderr)")
    let stats = Self.stats(result)
    #expect(stats["erasedPackets"] == 321)
    #expect(stats["ready"] == 244)
    #expect(Self.balanced(stats))
  }

  @Test(
    "rtpproxy_dtmf_rfc4733: the re-sent event packets are dropped as duplicates",
    .enabled(if: tshark))
  func corpusDTMF() throws {
    guard let file = Self.corpusFile("rtpproxy_dtmf_rfc4733.pcapng") else { return }
    let expected = Self.tsharkDuplicates(file)
    try #require(expected.count == 2)
    #expect(expected.values.map(\.duplicates).reduce(0, +) > 0)
    for (ssrc, counts) in expected {
      let result = Shell.run("rtpjb --ssrc \(ssrc) --stats --output events \(file)")
      #expect(result.status == 0, "\(result.stderr)")
      let stats = Self.stats(result)
      #expect(stats["duplicates"] == counts.duplicates, "\(ssrc)")
      #expect(stats["ready"] == counts.packets - counts.duplicates, "\(ssrc)")
      #expect(stats["late"] == 0 && stats["outOfSequence"] == 0)
      // Every packet dropped has the sequence number of one played.
      let ready = Set(
        result.lines.filter { $0.contains("\"ready\"") }.map { Self.field("seq", $0) })
      let dropped = result.lines.filter { $0.contains("\"drop\"") }
      #expect(
        dropped.allSatisfy { $0.contains("\"duplicate\"") && ready.contains(Self.field("seq", $0)) }
      )
    }
  }

  static func field(_ name: String, _ line: String) -> String {
    guard let range = line.range(of: "\"\(name)\":") else { return "" }
    return String(line[range.upperBound...].prefix { $0 != "," && $0 != "}" })
  }

  @Test(
    "hdiniz_sll_amrnb: every duplicated packet of every stream dropped once",
    .enabled(if: tshark))
  func corpusAMR() throws {
    guard let file = Self.corpusFile("hdiniz_sll_amrnb.pcap") else { return }
    let expected = Self.tsharkDuplicates(file)
    #expect(expected.count == 6)
    for (ssrc, counts) in expected {
      let result = Shell.run("rtpjb --ssrc \(ssrc) --stats \(file) > /dev/null")
      #expect(result.status == 0, "\(result.stderr)")
      let stats = Self.stats(result)
      #expect(stats["duplicates"] == counts.duplicates, "\(ssrc)")
      #expect(stats["ready"] == counts.packets - counts.duplicates, "\(ssrc)")
      #expect(stats["late"] == 0, "\(ssrc)")
      #expect(Self.balanced(stats))
    }
  }

  @Test(
    "wss_pcmu: the payload output is tshark's rtp.payload fields, byte for byte",
    .enabled(if: tshark))
  func corpusPayload() throws {
    guard let file = Self.corpusFile("wss_pcmu.pcap") else { return }
    let ours = Shell.run("rtpjb --output payload < \(file)")
    #expect(ours.status == 0, "\(ours.stderr)")
    let theirs = Shell.run(
      "tshark -n -r \(file) --enable-heuristic rtp_udp -T fields -e rtp.payload")
    let hex = theirs.lines.joined().replacingOccurrences(of: ":", with: "")
    try #require(hex.count == 425 * 160 * 2)
    #expect(ours.stdout.map { String(format: "%02x", $0) }.joined() == hex)
  }

  // MARK: Round trips through rtpgen

  @Test("rtpgen → rtpjb gives the same capture back, byte for byte, in every format")
  func roundTrip() throws {
    let dir = Shell.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    for format in ["pcap", "pcap-ns", "pcapng", "rtpdump"] {
      let result = Shell.run(
        "rtpgen --count 500 --seed 7 --format \(format) > a && rtpjb --format \(format) a > b"
          + " && cmp a b", in: dir)
      #expect(result.status == 0, "\(format): \(result.stderr)")
    }
  }

  @Test("rtpgen → rtpjb --output payload gives the input payload back")
  func payloadRoundTrip() throws {
    var bytes = [UInt8]()
    for index in 0..<10_000 { bytes.append(UInt8(truncatingIfNeeded: index * 7)) }
    for pt in ["0", "8", "11"] {
      let result = Shell.run(
        "rtpgen --seed 2 --pt \(pt) | rtpjb --output payload", input: Data(bytes))
      #expect(result.status == 0, "\(result.stderr)")
      #expect([UInt8](result.stdout) == bytes, "PT \(pt)")
    }
  }

  @Test("a scrambled capture with duplicates comes out as rtpgen wrote it")
  func scrambled() throws {
    let dir = Shell.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let original = dir.appendingPathComponent("original.pcap").path
    let scrambled = dir.appendingPathComponent("scrambled.pcap").path
    #expect(Shell.run("rtpgen --count 3000 --seed 5 --seq 65000 > \(original)").status == 0)
    var generator = SystemRandomNumberGenerator()
    try Self.rewrite([original], to: scrambled) { packets in
      var out = packets
      // Shuffle windows of 20 packets after the first (play-out starts at the first packet to
      // arrive, so it must be the stream's first), and send every tenth twice.
      for start in stride(from: 1, to: out.count - 20, by: 20) {
        out[start..<(start + 20)].shuffle(using: &generator)
      }
      for index in stride(from: out.count - 1, to: 0, by: -10) {
        out.insert(out[index], at: min(index + 3, out.count))
      }
      return out
    }
    let result = Shell.run("rtpjb --stats \(scrambled) | cmp - \(original)")
    #expect(result.status == 0, "\(result.stderr)")
    let stats = Self.stats(result)
    #expect(stats["ready"] == 3000 && stats["duplicates"] == 300 && stats["erasures"] == 0)
    #expect(Self.balanced(stats))
  }

  @Test("lost packets become µ-law silence of their duration in the payload")
  func lossy() throws {
    let dir = Shell.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let original = dir.appendingPathComponent("original.pcap").path
    let lossy = dir.appendingPathComponent("lossy.pcap").path
    let payload = [UInt8](repeating: 0x2A, count: 160 * 100)
    #expect(Shell.run("rtpgen --seed 4 --pt 0 > \(original)", input: Data(payload)).status == 0)
    try Self.rewrite([original], to: lossy) { packets in
      packets.enumerated().filter { ![10, 11, 12, 50].contains($0.offset) }.map(\.element)
    }
    let result = Shell.run("rtpjb --output payload --stats \(lossy)")
    #expect(result.status == 0, "\(result.stderr)")
    var expected = payload
    for index in [10, 11, 12, 50] {
      expected.replaceSubrange(
        (index * 160)..<((index + 1) * 160), with: repeatElement(0xFF, count: 160))
    }
    #expect([UInt8](result.stdout) == expected)
    let stats = Self.stats(result)
    #expect(stats["erasures"] == 2 && stats["erasedPackets"] == 4)
  }

  @Test(
    "--max-delay is in seconds: a packet 200 ms late is late at 0.1, played in order at 0.5 and without"
  )
  func maxDelaySeconds() throws {
    let dir = Shell.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let original = dir.appendingPathComponent("original.pcap").path
    let delayed = dir.appendingPathComponent("delayed.pcap").path
    #expect(Shell.run("rtpgen --seed 5 --count 40 > \(original)").status == 0)
    // Packet 5 arrives after packet 15: 200 ms after its time.
    try Self.rewrite([original], to: delayed) { packets in
      var order = Array(packets[0..<5]) + Array(packets[6...15]) + [packets[5]]
      order += Array(packets[16...])
      return order.enumerated().map { index, packet in
        (packets[index].0, packet.1, packet.2, packet.3)
      }
    }
    for (option, late) in [("", 0), ("--max-delay 0.5", 0), ("--max-delay 0.1", 1)] {
      let result = Shell.run("rtpjb --stats \(option) \(delayed) > /dev/null")
      #expect(result.status == 0, "\(result.stderr)")
      let stats = Self.stats(result)
      #expect(stats["late"] == late, "\(option): \(result.stderr)")
      #expect(stats["ready"] == 40 - late, "\(option): \(result.stderr)")
    }
    let negative = Shell.run("rtpjb --max-delay -1 \(delayed)")
    #expect(negative.status == 64 && negative.stderr.contains("--max-delay"))
  }

  // MARK: Choosing a stream

  /// Two rtpgen streams merged: 0x0000AAAA with 30 packets, then 0x0000BBBB with 50.
  static func twoStreams(in dir: URL) throws -> String {
    let a = dir.appendingPathComponent("a.pcap").path
    let b = dir.appendingPathComponent("b.pcap").path
    let merged = dir.appendingPathComponent("two.pcap").path
    #expect(
      Shell.run("rtpgen --count 30 --seed 1 --ssrc 0xAAAA --dst 127.0.0.1:6000 > \(a)").status == 0)
    #expect(
      Shell.run(
        "rtpgen --count 50 --seed 1 --ssrc 0xBBBB --pt 8 --start 0.01 --dst 127.0.0.1:7000 > \(b)"
      ).status == 0)
    try Self.rewrite([a, b], to: merged) { $0.sorted { $0.0 < $1.0 } }
    return merged
  }

  @Test(
    "The first two packets swapped: the stream starts at the lowest, every packet ready",
    arguments: ["", "--capacity 1", "--max-delay 0.06"])
  func swappedStart(options: String) throws {
    let dir = Shell.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    // 101 arrives at 20 ms, 100 at 21 ms, then 102 ... 109 in order: one SSRC throughout.
    let made = Shell.run(
      """
      rtpgen --count 1 --seed 5 --seq 101 --ts 160 --start 0.020 > swapped.pcap
      rtpgen --count 1 --seed 5 --seq 100 --ts 0 --start 0.021 | tail -c +25 >> swapped.pcap
      rtpgen --count 8 --seed 5 --seq 102 --ts 320 --start 0.040 | tail -c +25 >> swapped.pcap
      rtpgen --count 10 --seed 5 --seq 100 --ts 0 --start 0.020 > inorder.pcap
      """, in: dir)
    try #require(made.status == 0, "\(made.stderr)")
    let result = Shell.run(
      "rtpjb \(options) --output payload --stats < swapped.pcap > out.ulaw", in: dir)
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stderr.contains("\"ready\":10,\"late\":0"), "\(result.stderr)")
    #expect(result.stderr.contains("\"erasures\":0"), "\(result.stderr)")
    let expected = Shell.run("rtpjb --output payload < inorder.pcap", in: dir)
    let out = try Data(contentsOf: dir.appendingPathComponent("out.ulaw"))
    #expect(out.count == 1600 && out == expected.stdout)
  }

  @Test("--list prints one row per stream; --stream, --ssrc and the default choose")
  func choosing() throws {
    let dir = Shell.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let file = try Self.twoStreams(in: dir)
    let list = Shell.run("rtpjb --list \(file)")
    #expect(list.status == 0, "\(list.stderr)")
    try #require(list.lines.count == 3)
    #expect(list.lines[0].hasPrefix("#  SSRC"))
    #expect(
      list.lines[1].split(separator: " ").prefix(6)
        == ["1", "0x0000AAAA", "127.0.0.1:5006", "127.0.0.1:6000", "0", "30"])
    #expect(
      list.lines[2].split(separator: " ").prefix(6)
        == ["2", "0x0000BBBB", "127.0.0.1:5006", "127.0.0.1:7000", "8", "50"])
    #expect(list.lines[2].hasSuffix("0.980"))
    for (options, ssrc, count) in [
      ("", "0x0000BBBB", 50), ("--stream 1", "0x0000AAAA", 30), ("--stream 2", "0x0000BBBB", 50),
      ("--ssrc 0xaaaa", "0x0000AAAA", 30), ("--ssrc 43690", "0x0000AAAA", 30),
    ] {
      let result = Shell.run("rtpjb --output events \(options) \(file)")
      #expect(result.status == 0, "\(options): \(result.stderr)")
      #expect(result.lines.first == "{\"event\":\"stream\",\"ssrc\":\"\(ssrc)\"}", "\(options)")
      #expect(result.lines.count == count + 1, "\(options)")
    }
    let missing = Shell.run("rtpjb --stream 3 \(file) > /dev/null")
    #expect(missing.status == 65)
    #expect(missing.stderr == "rtpjb: \(file): --stream 3: the input has 2 RTP streams\n")
    let noSSRC = Shell.run("rtpjb --ssrc 7 \(file) > /dev/null")
    #expect(noSSRC.status == 65)
    #expect(noSSRC.stderr == "rtpjb: \(file): no RTP packets with SSRC 0x00000007\n")
  }

  @Test("a pipe (spooled) gives what the file gives, and stdin redirected from a file too")
  func pipe() throws {
    let dir = Shell.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let file = try Self.twoStreams(in: dir)
    let fromFile = Shell.run("rtpjb --stream 1 --output events \(file)")
    let fromPipe = Shell.run("cat \(file) | rtpjb --stream 1 --output events")
    let fromRedirect = Shell.run("rtpjb --stream 1 --output events - < \(file)")
    #expect(fromFile.status == 0 && fromPipe.status == 0 && fromRedirect.status == 0)
    #expect(!fromFile.stdout.isEmpty)
    #expect(fromPipe.stdout == fromFile.stdout)
    #expect(fromRedirect.stdout == fromFile.stdout)
    let listed = Shell.run("cat \(file) | rtpjb --list")
    #expect(listed.lines.count == 3)
  }

  @Test("--stats counts add up to the records read, with skipped and other streams")
  func statsAddUp() throws {
    let dir = Shell.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let file = try Self.twoStreams(in: dir)
    let result = Shell.run("rtpjb --stats \(file) > /dev/null")
    let stats = Self.stats(result)
    #expect(stats["read"] == 80 && stats["otherStreams"] == 30 && stats["ready"] == 50)
    #expect(Self.balanced(stats))
    guard let opus = Self.corpusFile("wss_opus_rawip.pcap") else { return }
    let mixed = Shell.run("rtpjb --stats \(opus) > /dev/null")
    #expect(mixed.status == 0)
    #expect(mixed.stderr.hasPrefix("rtpjb: \(opus): skipped 27 packets: 27 UDP not RTP\n"))
    let counts = Self.stats(mixed)
    #expect(counts["skipped"] == 27)
    #expect(Self.balanced(counts))
  }

  // MARK: Failures

  @Test("a truncated capture: the good packets are written, then one line and status 65")
  func truncated() throws {
    let dir = Shell.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let result = Shell.run(
      "rtpgen --count 100 --seed 3 | head -c 10000 > cut.pcap && rtpjb cut.pcap > out.pcap",
      in: dir)
    #expect(result.status == 65)
    // 24-byte header, then 16 + 42 + 172 = 230 bytes a record: 43 whole records.
    #expect(
      result.stderr == "rtpjb: cut.pcap: record 44 at byte 9914: truncated: 86 of 230 bytes\n")
    let again = Shell.run("rtpjb --stats out.pcap > /dev/null", in: dir)
    #expect(Self.stats(again)["ready"] == 43)
    let piped = Shell.run("head -c 10000 cut.pcap | rtpjb --output payload | wc -c", in: dir)
    #expect(piped.output.trimmingCharacters(in: .whitespacesAndNewlines) == "\(43 * 160)")
  }

  @Test("exit statuses: unreadable 66, no RTP 65, usage 64, full disk 74, closed pipe quiet 0")
  func statuses() throws {
    let missing = Shell.run("rtpjb /nonexistent/x.pcap")
    #expect(missing.status == 66)
    #expect(missing.stderr == "rtpjb: /nonexistent/x.pcap: no such file or directory\n")
    let garbage = Shell.run("printf 'hello world' | rtpjb")
    #expect(garbage.status == 65)
    #expect(garbage.stderr.hasPrefix("rtpjb: stdin: byte 0: not a pcap"))
    let empty = Shell.run("rtpgen --count 0 | rtpjb")
    #expect(empty.status == 65)
    #expect(empty.stderr == "rtpjb: stdin: no RTP stream\n")
    #expect(Shell.run("rtpjb --capacity 0 < /dev/null").status == 64)
    #expect(Shell.run("rtpjb --ssrc 1 --stream 1 < /dev/null").status == 64)
    let full = Shell.run("rtpgen --count 100 | rtpjb > /dev/full")
    #expect(full.status == 74)
    #expect(full.stderr.hasPrefix("rtpjb: stdout: write failed at byte 0: "))
    let dir = Shell.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let closed = Shell.run(
      "rtpgen --count 200000 --seed 1 > big.pcap; { rtpjb --output payload big.pcap; echo $? > status; }"
        + " | head -c 10 > /dev/null; cat status", in: dir)
    #expect(closed.output == "0\n")
    #expect(closed.stderr.isEmpty)
  }
}
