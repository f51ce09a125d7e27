import Foundation
import Testing

@Suite("rtpgen in pipelines, with tshark as the oracle")
struct RTPGenToolTests {
  static let tshark = Shell.has("tshark")

  /// `rtp.seq rtp.timestamp rtp.marker rtp.ssrc rtp.p_type udp.length` for each packet tshark
  /// decodes from `command`'s output.
  static func rtpFields(_ command: String, port: Int = 5004) -> (Shell.Result, [[String]]) {
    let result = Shell.run(
      "\(command) | tshark -n -r - -d udp.port==\(port),rtp -T fields -e rtp.seq -e rtp.timestamp"
        + " -e rtp.marker -e rtp.ssrc -e rtp.p_type -e udp.length -E separator=,")
    return (
      result,
      result.lines.map {
        $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
      }
    )
  }

  @Test(
    "Every packet is RTP with consecutive sequence numbers and the right timestamp step",
    .enabled(if: tshark),
    arguments: [("--count 1000 --pt 0", 1000, 160), ("--count 200 --rate 16000 --pt 96", 200, 320)])
  func consecutive(options: String, count: Int, step: UInt32) throws {
    let (result, rows) = Self.rtpFields("rtpgen \(options) --dst 127.0.0.1:5004")
    #expect(result.status == 0, "\(result.stderr)")
    try #require(rows.count == count)
    let sequences = rows.map { UInt16($0[0])! }
    let timestamps = rows.map { UInt32($0[1])! }
    for index in 1..<count {
      #expect(sequences[index] == sequences[index - 1] &+ 1)
      #expect(timestamps[index] &- timestamps[index - 1] == step)
    }
    let marked = rows.filter { (row: [String]) -> Bool in row[2] == "1" || row[2] == "True" }
    #expect(marked.count == 1)
    #expect(Set(rows.map { $0[3] }).count == 1)
  }

  @Test("The same seed gives byte-identical output; no seed gives a different SSRC each run")
  func seeds() throws {
    let a = Shell.run("rtpgen --count 50 --seed 1234")
    let b = Shell.run("rtpgen --count 50 --seed 1234")
    #expect(a.status == 0 && b.status == 0)
    #expect(a.stdout == b.stdout && !a.stdout.isEmpty)
    let c = Shell.run("rtpgen --count 50 --seed 1235")
    #expect(c.stdout != a.stdout)
    guard Self.tshark else { return }
    let (_, first) = Self.rtpFields("rtpgen --count 3")
    let (_, second) = Self.rtpFields("rtpgen --count 3")
    try #require(first.count == 3 && second.count == 3)
    #expect(first[0][3] != second[0][3])
  }

  @Test(
    "Every pcap and pcapng variant is read back by tshark with the packets' times",
    .enabled(if: tshark), arguments: ["pcap", "pcap-ns", "pcapng"])
  func formats(format: String) throws {
    let dir = Shell.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let file = dir.appendingPathComponent("out.\(format)").path
    let made = Shell.run(
      "rtpgen --count 25 --pt 8 --start 1700000000.5 --format \(format) -o \(file)")
    #expect(made.status == 0, "\(made.stderr)")
    let read = Shell.run(
      "tshark -n -r \(file) -d udp.port==5004,rtp -T fields -e frame.time_epoch -e rtp.p_type")
    #expect(read.status == 0, "\(read.stderr)")
    let rows = read.lines
    try #require(rows.count == 25)
    #expect(rows[0].hasPrefix("1700000000.5"))
    #expect(rows[24].hasPrefix("1700000000.98"))
    #expect(rows.allSatisfy { $0.hasSuffix("\t8") })
  }

  @Test("IPv6 destinations give IPv6 frames with valid UDP checksums", .enabled(if: tshark))
  func ipv6() throws {
    let result = Shell.run(
      "rtpgen --count 5 --dst '[::1]:6000' | tshark -n -r - -o udp.check_checksum:TRUE"
        + " -d udp.port==6000,rtp -T fields -e ipv6.src -e ipv6.dst -e udp.checksum.status -e rtp.seq"
    )
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.lines.count == 5)
    #expect(result.lines.allSatisfy { $0.hasPrefix("::1\t::1\t1\t") })
  }

  @Test("IPv4 header checksums are correct", .enabled(if: tshark))
  func ipv4Checksums() {
    let result = Shell.run(
      "rtpgen --count 20 --src 192.0.2.1:4000 --dst 198.51.100.7:5004 | tshark -n -r -"
        + " -o ip.check_checksum:TRUE -T fields -e ip.src -e ip.dst -e ip.checksum.status")
    #expect(result.lines.count == 20)
    #expect(result.lines.allSatisfy { $0 == "192.0.2.1\t198.51.100.7\t1" })
  }

  @Test("A fractional samples-per-packet rate alternates payload sizes", .enabled(if: tshark))
  func fractional() throws {
    let (result, rows) = Self.rtpFields("rtpgen --count 4 --pt 96 --rate 11025 --encoding l16")
    #expect(result.status == 0)
    try #require(rows.count == 4)
    // UDP length = 8 + 12 + 2 × samples: 220 and 221 samples alternate.
    #expect(Set(rows.map { $0[5] }) == ["460", "462"])
    let timestamps = rows.map { UInt32($0[1])! }
    #expect(timestamps[2] &- timestamps[0] == 441)
  }

  @Test("Payload bytes from standard input are cut into packets of rate × ptime samples")
  func payloadFromStdin() throws {
    var bytes = [UInt8]()
    for index in 0..<1000 { bytes.append(UInt8(truncatingIfNeeded: index)) }
    let result = Shell.run("rtpgen --pt 0 --seed 1 --stats", input: Data(bytes))
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stderr.contains("\"written\":7"))
    #expect(result.stderr.contains("\"inputBytes\":1000"))
    guard Self.tshark else { return }
    let payloads = Shell.run(
      "rtpgen --pt 0 | tshark -n -r - -d udp.port==5004,rtp -T fields -e rtp.payload",
      input: Data(bytes))
    let joined = payloads.lines.joined().replacingOccurrences(of: ":", with: "")
    let expected = bytes.map { String(format: "%02x", $0) }.joined()
    #expect(joined == expected)
    #expect(payloads.lines.count == 7)
  }

  @Test("VAD drops silent packets, keeps the clock, and marks each talkspurt", .enabled(if: tshark))
  func vad() throws {
    // µ-law: 5 packets of a loud pattern, 10 of silence (0xFF), 5 loud again.
    let loud = [UInt8](repeating: 0x10, count: 160 * 5)
    let quiet = [UInt8](repeating: 0xFF, count: 160 * 10)
    let dir = Shell.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let input = dir.appendingPathComponent("speech.ulaw")
    try Data(loud + quiet + loud).write(to: input)
    let (result, rows) = Self.rtpFields("rtpgen --vad --seed 3 \(input.path)")
    #expect(result.status == 0)
    try #require(rows.count == 10)
    let sequences = rows.map { UInt16($0[0])! }
    let timestamps = rows.map { UInt32($0[1])! }
    let markers = rows.map { $0[2] == "1" || $0[2] == "True" }
    for index in 1..<10 { #expect(sequences[index] == sequences[index - 1] &+ 1) }
    #expect(timestamps[5] &- timestamps[4] == 160 * 11)
    #expect(timestamps[4] &- timestamps[0] == 160 * 4)
    #expect(markers == [true, false, false, false, false, true, false, false, false, false])
    let stats = Shell.run("rtpgen --vad --stats \(input.path) > /dev/null")
    #expect(stats.stderr.contains("\"written\":10,\"suppressed\":10,\"talkspurts\":2"))
  }

  @Test("Input that ends inside a sample writes every whole packet, then exits 65 with one line")
  func partialSample() throws {
    let dir = Shell.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let input = dir.appendingPathComponent("odd.l16")
    try Data(repeating: 0x01, count: 320 * 3 + 101).write(to: input)
    let out = dir.appendingPathComponent("out.pcap").path
    let result = Shell.run("rtpgen --pt 96 --encoding l16 \(input.path) -o \(out) --stats")
    #expect(result.status == 65)
    let errorLines = result.stderr.split(separator: "\n").filter { !$0.hasPrefix("{") }
    #expect(
      errorLines == ["rtpgen: \(input.path): input of 1061 bytes ends inside a 2-byte sample"])
    #expect(result.stderr.contains("\"written\":4"))
    guard Self.tshark else { return }
    let read = Shell.run("tshark -n -r \(out) -T fields -e udp.length")
    #expect(read.lines == ["340", "340", "340", "120"])
  }

  @Test(
    "Command-line mistakes are usage errors (64)",
    arguments: [
      "--pt 200", "--pt 72", "--rate 0", "--ptime 0", "--tone 5000", "--tone 440 --silence",
      "--dst nowhere", "--src '[::1]:5' --dst 127.0.0.1:5", "--rate 1000000 --ptime 1000",
      "--format wav", "--duration -1", "--ssrc 0x1FFFFFFFF", "--pt 96 --rate 4000 --ptime 0.125",
      "--pt 96 --rate 7999 --ptime 0.125",
    ])
  func usageErrors(options: String) {
    let result = Shell.run("rtpgen \(options) > /dev/null")
    #expect(result.status == 64, "\(options): \(result.stderr)")
    #expect(result.stderr.hasPrefix("rtpgen: "))
    #expect(result.stderr.split(separator: "\n").count == 1, "\(result.stderr)")
  }

  @Test("--help and --version print to standard output and exit 0")
  func helpAndVersion() {
    let help = Shell.run("rtpgen --help")
    #expect(help.status == 0)
    #expect(help.output.contains("USAGE: rtpgen"))
    let version = Shell.run("rtpgen --version")
    #expect(version.status == 0)
    #expect(version.output.split(separator: ".").count == 3)
  }

  @Test("A missing input file is exit 66 with the system's reason")
  func missingInput() {
    let result = Shell.run("rtpgen /nonexistent/payload.raw > /dev/null")
    #expect(result.status == 66)
    #expect(result.stderr == "rtpgen: /nonexistent/payload.raw: no such file or directory\n")
  }

  @Test("A closed pipe downstream ends rtpgen quietly")
  func closedPipe() {
    let result = Shell.run(
      "rtpgen --count 100000000 | head -c 1000 | wc -c; echo \"${PIPESTATUS:-}\"")
    #expect(result.lines.first?.trimmingCharacters(in: .whitespaces) == "1000")
    #expect(result.stderr.isEmpty, "\(result.stderr)")
    let status = Shell.run(
      "bash -c 'rtpgen --count 100000000 | head -c 10 > /dev/null; exit ${PIPESTATUS[0]}'")
    #expect(status.status == 0)
  }

  @Test("A full disk is exit 74 with one line")
  func fullDisk() {
    let result = Shell.run("rtpgen --count 10000 > /dev/full")
    #expect(result.status == 74)
    #expect(result.stderr.hasPrefix("rtpgen: stdout: write failed at byte 0: "))
    #expect(result.stderr.split(separator: "\n").count == 1)
  }

  @Test("--duration counts media time and rounds up to whole packets")
  func duration() {
    let result = Shell.run("rtpgen --duration 1.01 --stats > /dev/null")
    #expect(result.stderr.contains("\"written\":51"))
  }
}
