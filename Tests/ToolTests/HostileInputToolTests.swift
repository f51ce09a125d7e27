import Foundation
import RTPCore
import Testing

/// The hostile-input suite at the tools, as a user meets it: one case per lie in a capture or an
/// audio file, each through the built executables. Every case checks the documented exit status,
/// one line on standard error, every good record before the damage written, and memory bounded
/// (peak resident set, and an address-space limit that a large allocation would hit).
/// RTPCoreTests hold the library's view of the same lies, error by error.
@Suite("Hostile input through the tools")
struct HostileInputToolTests {
  /// An address-space limit for the tools under test (KiB): far above what they need, far
  /// below what an allocation sized by a lying length field would take.
  static let addressSpaceKiB = 2 << 20
  /// The peak resident set a tool may reach on these small inputs (KiB).
  static let peakKiB = 64 << 10

  static func bytes(_ file: URL) throws -> [UInt8] { [UInt8](try Data(contentsOf: file)) }

  static func lines(_ text: String) -> [Substring] { text.split(separator: "\n") }

  /// Runs `command` under the address-space limit, measuring its peak memory. Under a
  /// sanitizer, without the limit and with the peak reported as 0 (see ``Shell/sanitized``).
  static func bounded(_ command: String, in directory: URL) -> Shell.Measured {
    guard !Shell.sanitized else {
      var measured = Shell.measured(command, in: directory)
      measured.peakKiB = 0
      return measured
    }
    return Shell.measured("ulimit -v \(addressSpaceKiB)\n\(command)", in: directory)
  }

  // MARK: Truncation

  /// Where each record of a capture our writer made ends, from the format's own length fields.
  static func recordEnds(_ bytes: [UInt8], format: String) -> [Int] {
    func little32(_ at: Int) -> Int {
      Int(bytes[at]) | Int(bytes[at + 1]) << 8 | Int(bytes[at + 2]) << 16 | Int(bytes[at + 3]) << 24
    }
    var ends: [Int] = []
    switch format {
    case "pcapng":
      var offset = 0
      while offset < bytes.count {
        let end = offset + little32(offset + 4)
        if little32(offset) == 6 { ends.append(end) }
        offset = end
      }
    case "rtpdump":
      var offset = bytes.firstIndex(of: 0x0A)! + 1 + 16
      while offset < bytes.count {
        offset += Int(bytes[offset]) << 8 | Int(bytes[offset + 1])
        ends.append(offset)
      }
    default:
      var offset = 24
      while offset < bytes.count {
        offset += 16 + little32(offset + 8)
        ends.append(offset)
      }
    }
    return ends
  }

  @Test(
    "A capture cut at every byte offset of its first records: the whole records out, then 65 and one line",
    arguments: ["pcap", "pcapng", "rtpdump"])
  func truncatedEverywhere(format: String) throws {
    let dir = Shell.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    // Two µ-law packets of 1 ms: 8 payload bytes each.
    let made = Shell.run(
      "rtpgen --count 2 --pt 0 --ptime 1 --seed 4 --ssrc 0x1234 --format \(format) > full",
      in: dir)
    try #require(made.status == 0)
    let full = try Self.bytes(dir.appendingPathComponent("full"))
    let ends = Self.recordEnds(full, format: format)
    try #require(ends.count == 2 && ends.last == full.count)
    let result = Shell.run(
      """
      size=$(wc -c < full); n=0
      while [ $n -lt $size ]; do
        head -c $n full | rtpjb --ssrc 0x1234 --output payload > out 2> err
        echo "$n $? $(wc -c < out) $(wc -l < err) $(head -c 14 err)"
        n=$((n + 1))
      done
      """, in: dir)
    let rows = Self.lines(result.output).map { $0.split(separator: " ", maxSplits: 4) }
    try #require(rows.count == full.count)
    for row in rows {
      let cut = Int(row[0])!
      let whole = ends.filter { $0 <= cut }.count
      let status = Int(row[1])!
      let written = Int(row[2])!
      let errorLines = Int(row[3])!
      #expect(written == 8 * whole, "\(format) cut at \(cut): \(written) bytes written")
      if ends.contains(cut) {
        #expect(status == 0 && errorLines == 0, "\(format) cut at record end \(cut)")
      } else {
        #expect(status == 65, "\(format) cut at \(cut): status \(status)")
        #expect(errorLines == 1, "\(format) cut at \(cut): \(errorLines) lines")
        #expect(row.count == 5 && row[4] == "rtpjb: stdin: ", "\(format) cut at \(cut)")
      }
    }
  }

  // MARK: Capture length lies

  /// Three µ-law packets of `ptime` ms as rtpgen writes them: 20 ms records are 230 bytes after
  /// the 24-byte header, 1 ms ones 78.
  static func threePackets(in dir: URL, format: String = "pcap", ptime: Int = 20) throws
    -> [UInt8]
  {
    let made = Shell.run(
      "rtpgen --count 3 --pt 0 --ptime \(ptime) --seed 9 --ssrc 0x99 --format \(format) > good",
      in: dir)
    try #require(made.status == 0)
    return try bytes(dir.appendingPathComponent("good"))
  }

  static func storeLittle(_ value: UInt32, in bytes: inout [UInt8], at offset: Int) {
    for index in 0..<4 { bytes[offset + index] = UInt8(truncatingIfNeeded: value >> (8 * index)) }
  }

  static func storeBig16(_ value: UInt16, in bytes: inout [UInt8], at offset: Int) {
    bytes[offset] = UInt8(value >> 8)
    bytes[offset + 1] = UInt8(value & 0xFF)
  }

  /// Runs rtpjb on `bytes` (as file `lie`) and checks a damaged third record: status 65, one
  /// line naming it, the two good packets written, memory bounded.
  static func expectDamagedThird(
    _ bytes: [UInt8], in dir: URL, naming: String, _ what: String
  ) throws {
    try Data(bytes).write(to: dir.appendingPathComponent("lie"))
    let run = bounded("rtpjb --output payload lie", in: dir)
    #expect(run.result.status == 65, "\(what): \(run.result.stderr)")
    #expect(lines(run.result.stderr).count == 1, "\(what): \(run.result.stderr)")
    #expect(run.result.stderr.hasPrefix("rtpjb: lie: \(naming)"), "\(what): \(run.result.stderr)")
    #expect(run.result.stdout.count == 2 * 160, "\(what)")
    #expect(run.peakKiB < peakKiB, "\(what): peak \(run.peakKiB) KiB")
  }

  @Test(
    "pcap caplen past the snaplen, past the 256 KiB limit and at 4 GiB: 65 after the good records",
    arguments: [UInt32(215), 262_145, 0xFFFF_FFFF])
  func pcapCaptureLength(caplen: UInt32) throws {
    let dir = Shell.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    var bytes = try Self.threePackets(in: dir)
    // The file's snaplen becomes 214, exactly the records' length; record 3 claims more.
    Self.storeLittle(214, in: &bytes, at: 16)
    Self.storeLittle(caplen, in: &bytes, at: 24 + 2 * 230 + 8)
    try Self.expectDamagedThird(
      bytes, in: dir, naming: "record 3 at byte 484: ", "caplen \(caplen)")
  }

  @Test(
    "pcapng block lengths that disagree, are zero, not whole words or overflow: 65 after the good records",
    arguments: [
      ("trailer disagrees", 0, UInt32(0x64)), ("zero", 4, 0), ("not whole words", 4, 0x61),
      ("overflow", 4, 0xFFFF_FFFC), ("past the end", 4, 0x1000),
    ])
  func pcapngBlockLength(what: String, field: Int, value: UInt32) throws {
    let dir = Shell.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    var bytes = try Self.threePackets(in: dir, format: "pcapng")
    let ends = Self.recordEnds(bytes, format: "pcapng")
    let third = ends[1]
    // `field` 0 is the trailing copy of the length, 4 the leading one.
    let at = field == 0 ? ends[2] - 4 : third + 4
    Self.storeLittle(value, in: &bytes, at: at)
    try Self.expectDamagedThird(bytes, in: dir, naming: "", what)
  }

  // MARK: Header lies inside a record

  /// A lie told in the second of three records of 1 ms µ-law (a 20-byte RTP packet at frame
  /// offset 42): that packet is skipped and counted on one line, the others written, status 0.
  static let packetLies: [(String, Int, [UInt8])] = [
    ("IPv4 IHL past the packet", 14, [0x4F]),
    ("IPv4 IHL under 5", 14, [0x44]),
    ("IPv4 total length past the frame", 16, [0xFF, 0xF0]),
    ("IPv4 total length under its header", 16, [0x00, 0x10]),
    ("UDP length past the IPv4 payload", 38, [0x0F, 0x00]),
    ("UDP length under 8", 38, [0x00, 0x07]),
    ("RTP CSRC count past the end", 42, [0x8F]),
    ("RTP padding longer than the packet", 42 + 19, [0xFF]),
    ("RTP extension length past the end", 42 + 14, [0xFF, 0xFF]),
  ]

  @Test(
    "IPv4, UDP and RTP length lies in a record: that packet skipped and counted, the rest written",
    arguments: packetLies)
  func headerLie(what: String, offset: Int, patch: [UInt8]) throws {
    let dir = Shell.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    var bytes = try Self.threePackets(in: dir, ptime: 1)
    let frame = 24 + 78 + 16
    bytes.replaceSubrange((frame + offset)..<(frame + offset + patch.count), with: patch)
    if what.hasPrefix("RTP padding") { bytes[frame + 42] |= 0x20 }
    if what.hasPrefix("RTP extension") { bytes[frame + 42] |= 0x10 }
    try Data(bytes).write(to: dir.appendingPathComponent("lie"))
    // By SSRC: the two packets left, 1 and 3, are not two in sequence, which the default
    // selection asks of a stream.
    let run = Self.bounded("rtpjb --ssrc 0x99 --output payload lie", in: dir)
    #expect(run.result.status == 0, "\(what): \(run.result.stderr)")
    let lines = Self.lines(run.result.stderr)
    #expect(lines.count == 1, "\(what): \(run.result.stderr)")
    #expect(lines.first?.hasPrefix("rtpjb: lie: skipped 1 packets: ") == true, "\(what)")
    // Two packets and, for the one skipped, an erasure of its length in µ-law silence.
    #expect(run.result.stdout.count == 3 * 8, "\(what)")
    #expect(run.peakKiB < Self.peakKiB, "\(what): peak \(run.peakKiB) KiB")
  }

  // MARK: Timestamps that lie

  @Test("RTP timestamps far ahead of capture time: the payload fill is bounded and reported")
  func fillBoundedByCaptureTime() throws {
    let dir = Shell.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    // 2,000 pairs of 20 ms µ-law packets, 20 ms apart in capture time, whose sequence (and
    // timestamp) jumps 1,000 packets each pair: 20 s of claimed loss per pair in 40 ms.
    let pairs = 2000
    let made = Shell.run("rtpgen --count \(2 * pairs) --seed 3 > even.pcap", in: dir)
    try #require(made.status == 0)
    var bytes = try Self.bytes(dir.appendingPathComponent("even.pcap"))
    let record = 16 + 42 + 12 + 160
    try #require(bytes.count == 24 + 2 * pairs * record)
    for index in 0..<(2 * pairs) {
      let sequence = UInt32(index / 2 * 1000 + index % 2)
      let rtp = 24 + index * record + 16 + 42
      Self.storeBig16(UInt16(truncatingIfNeeded: sequence), in: &bytes, at: rtp + 2)
      let timestamp = sequence &* 160
      for byte in 0..<4 {
        bytes[rtp + 4 + byte] = UInt8(truncatingIfNeeded: timestamp >> (24 - 8 * byte))
      }
    }
    try Data(bytes).write(to: dir.appendingPathComponent("jumps.pcap"))
    let run = Self.bounded("rtpjb --output payload --stats jumps.pcap", in: dir)
    #expect(run.result.status == 0, "\(run.result.stderr)")
    // Every packet's payload, and at most a second of silence beyond the capture's span.
    let payload = 2 * pairs * 160
    #expect(run.result.stdout.count >= payload && run.result.stdout.count <= payload + 8000)
    let lines = Self.lines(run.result.stderr)
    #expect(lines.count == 2, "\(run.result.stderr)")
    #expect(lines.first?.hasPrefix("rtpjb: jumps.pcap: ") == true)
    #expect(lines.first?.contains("bytes of silence not filled") == true)
    let filled = run.result.stdout.count - payload
    let claimed = (pairs - 1) * 998 * 160
    #expect(run.result.stderr.contains(#""silenceNotFilled":\#(claimed - filled),"#))
    #expect(run.peakKiB < Self.peakKiB)
    // A real loss inside the capture's time is still filled whole.
    let lossy = Shell.run(
      """
      rtpgen --count 10 --seed 3 --seq 0 --ts 0 > lossy.pcap
      rtpgen --count 10 --seed 3 --seq 20 --ts 3200 --start 0.4 | tail -c +25 >> lossy.pcap
      rtpjb --output payload --stats lossy.pcap
      """, in: dir)
    #expect(lossy.stdout.count == 30 * 160, "\(lossy.stderr)")
    #expect(lossy.stderr.contains(#""silenceNotFilled":0"#))
  }

  @Test("70,000 one-packet SSRCs before the real stream: rtpjb still lists and plays it")
  func streamPastTheCap() throws {
    let dir = Shell.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    // One 1 ms µ-law record (78 bytes), copied 70,000 times with SSRCs 0x10000 on, then 500
    // packets of a real stream.
    let made = Shell.run(
      """
      rtpgen --count 1 --ptime 1 --seed 4 --ssrc 0x10000 > one.pcap
      rtpgen --count 500 --seed 4 --ssrc 0xABCDEF --start 10 | tail -c +25 > real.part
      """, in: dir)
    try #require(made.status == 0)
    let one = try Self.bytes(dir.appendingPathComponent("one.pcap"))
    try #require(one.count == 24 + 78)
    let record = Array(one[24...])
    var capture = Array(one[..<24])
    capture.reserveCapacity(24 + 70_000 * 78 + 500 * 230)
    for index in 0..<70_000 {
      var copy = record
      let ssrc = UInt32(0x10000 + index)
      for byte in 0..<4 {
        copy[16 + 42 + 8 + byte] = UInt8(truncatingIfNeeded: ssrc >> (24 - 8 * byte))
      }
      capture += copy
    }
    capture += try Self.bytes(dir.appendingPathComponent("real.part"))
    try Data(capture).write(to: dir.appendingPathComponent("many.pcap"))
    let play = Self.bounded("rtpjb --stats many.pcap > out.pcap", in: dir)
    #expect(play.result.status == 0, "\(play.result.stderr)")
    #expect(play.result.stderr.contains(#""read":70500,"ready":500,"#), "\(play.result.stderr)")
    #expect(play.result.stderr.contains("more than 65536 RTP streams: "), "\(play.result.stderr)")
    #expect(play.peakKiB < Self.peakKiB)
    let list = Shell.run("rtpjb --list many.pcap", in: dir)
    #expect(list.status == 0)
    #expect(list.lines.count == 2 && list.lines[1].hasPrefix("1  0x00ABCDEF"), "\(list.output)")
    #expect(
      Shell.run("rtpjb --ssrc 0xABCDEF --stats many.pcap > /dev/null", in: dir).stderr
        .contains(#""ready":500"#))
  }

  // MARK: Whole inputs

  /// The tools that read standard input, and how.
  static let readers = [
    "rtpjb", "rtpdec", "rtpstat", "rtpsend --pace none --to 127.0.0.1:9", "rtpulaw --encode",
    "rtpresample --rate 8000",
  ]

  @Test("Empty input: 65 and one line naming it, from every tool that reads", arguments: readers)
  func empty(tool: String) throws {
    let dir = Shell.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let run = Self.bounded("\(tool) < /dev/null > out", in: dir)
    let name = tool.split(separator: " ")[0]
    #expect(run.result.status == 65)
    #expect(run.result.stderr == "\(name): stdin: empty input\n")
    #expect(run.peakKiB < Self.peakKiB, "peak \(run.peakKiB) KiB")
  }

  @Test(
    "Random bytes: 65 and one line, memory bounded, from every tool that reads",
    arguments: readers)
  func random(tool: String) throws {
    let dir = Shell.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let name = tool.split(separator: " ")[0]
    for seed in 1...4 {
      var generator = SplitMix64(seed: UInt64(seed))
      var bytes = (0..<65_536).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
      // Half of them start like a capture, so that the readers go past the sniffing.
      if seed % 2 == 0 { bytes.replaceSubrange(0..<4, with: [0xD4, 0xC3, 0xB2, 0xA1]) }
      try Data(bytes).write(to: dir.appendingPathComponent("random"))
      let run = Self.bounded("\(tool) < random > out", in: dir)
      #expect(run.result.status == 65, "\(tool), seed \(seed): \(run.result.stderr)")
      #expect(Self.lines(run.result.stderr).count == 1, "\(tool), seed \(seed)")
      #expect(run.result.stderr.hasPrefix("\(name): stdin: "), "\(tool), seed \(seed)")
      #expect(run.peakKiB < Self.peakKiB, "\(tool), seed \(seed): peak \(run.peakKiB) KiB")
    }
  }

  // MARK: Audio

  /// A 16-bit mono 8 kHz WAV header for `dataSize` bytes, with `channels`.
  static func wavHeader(channels: UInt16 = 1, fmtSize: UInt32 = 16, dataSize: UInt32) -> [UInt8] {
    var header = Array("RIFF".utf8) + [0xFF, 0xFF, 0xFF, 0xFF] + Array("WAVEfmt ".utf8)
    withUnsafeBytes(of: fmtSize.littleEndian) { header += $0 }
    let blockAlign = UInt16(2) &* channels
    for value in [UInt16(1), channels] { withUnsafeBytes(of: value.littleEndian) { header += $0 } }
    for value in [UInt32(8000), 8000 * UInt32(blockAlign)] {
      withUnsafeBytes(of: value.littleEndian) { header += $0 }
    }
    for value in [blockAlign, 16] { withUnsafeBytes(of: value.littleEndian) { header += $0 } }
    header += Array("data".utf8)
    withUnsafeBytes(of: dataSize.littleEndian) { header += $0 }
    return header
  }

  /// Damaged files in the formats libsndfile reads, made from 1 s of an 8 kHz tone by sox:
  /// (what, the shell that damages `t.flac`, `t.au` or `t.aiff` into `bad`, samples left, what
  /// the line says). libsndfile reads such files to their damage and reports a clean end.
  static let librarySoundDamage: [(String, String, ClosedRange<Int>, String)] = [
    (
      "FLAC with 50 bytes corrupted in its second frame",
      "python3 -c \"import sys; d=bytearray(open('t.flac','rb').read()); n=len(d)"
        + "\nfor i in range(50): d[n-60+i]^=0x5A\nsys.stdout.buffer.write(d)\" > bad",
      0...7999, "data ends early: its header declares 8000 frames"
    ),
    ("FLAC cut to 42 bytes", "head -c 42 t.flac > bad", 0...0, "its header declares 8000 frames"),
    (
      "AU declaring three times its data",
      "{ head -c 8 t.au; printf '\\000\\000\\273\\200'; tail -c +13 t.au; } > bad",
      8000...8000, "byte 16044, frame 8000: data ends early: its header declares 48044 bytes"
    ),
    (
      "AIFF cut inside its sound chunk", "head -c 8044 t.aiff > bad", 3978...3978,
      "frame 3978: data ends early: its header declares 16088 bytes"
    ),
    (
      "AU with a data offset of 2 GB",
      "{ head -c 4 t.au; printf '\\200\\000\\000\\000'; tail -c +9 t.au; } > bad", 0...0, "byte 0: "
    ),
  ]

  @Test(
    "Damaged FLAC, AU and AIFF: 65 and one line, the good samples written",
    .enabled(if: Shell.has("sox") && Shell.has("python3")), arguments: librarySoundDamage)
  func librarySoundFiles(what: String, damage: String, samples: ClosedRange<Int>, says: String)
    throws
  {
    let dir = Shell.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let made = Shell.run(
      "for f in flac au aiff; do sox -n -r 8000 -c 1 -b 16 t.$f synth 1 sine 440 || exit 1; done; "
        + damage, in: dir)
    try #require(made.status == 0, "\(what): \(made.stderr)")
    for tool in ["rtpresample --rate 8000 --raw", "rtpulaw --encode"] {
      let run = Self.bounded("\(tool) bad > out", in: dir)
      let name = tool.split(separator: " ")[0]
      #expect(run.result.status == 65, "\(what), \(tool): \(run.result.stderr)")
      let lines = Self.lines(run.result.stderr)
      #expect(lines.count == 1, "\(what), \(tool): \(run.result.stderr)")
      #expect(lines.first?.hasPrefix("\(name): bad: ") == true, "\(what)")
      #expect(run.result.stderr.contains(says), "\(what), \(tool): \(run.result.stderr)")
      let size = (try? Data(contentsOf: dir.appendingPathComponent("out")).count) ?? -1
      let written = name == "rtpulaw" ? size : size / 2
      #expect(samples.contains(written), "\(what), \(tool): \(written) samples")
      #expect(run.peakKiB < Self.peakKiB)
    }
    // The undamaged files still read whole.
    let whole = Shell.run("for f in flac au aiff; do rtpulaw --encode t.$f | wc -c; done", in: dir)
    #expect(
      whole.lines.map { $0.trimmingCharacters(in: .whitespaces) } == ["8000", "8000", "8000"])
  }

  @Test("WAV lies into rtpulaw: zero channels, 4 GiB fmt and LIST chunks, a data size past the end")
  func wavLies() throws {
    let dir = Shell.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let samples = [UInt8](repeating: 0x10, count: 2000)
    var hugeList = Array(Self.wavHeader(dataSize: 0).prefix(36))
    hugeList +=
      Array("LIST".utf8) + [0xF0, 0xFF, 0xFF, 0xFF] + [UInt8](repeating: 7, count: 300_000)
    let cases: [(String, [UInt8], Int, String)] = [
      ("zero channels", Self.wavHeader(channels: 0, dataSize: 2000) + samples, 0, "byte "),
      (
        "a 4 GiB fmt chunk", Self.wavHeader(fmtSize: 0xFFFF_FFF0, dataSize: 2000) + samples, 0,
        "byte "
      ),
      ("a 4 GiB LIST chunk", hugeList, 0, "byte "),
      (
        "a data size past the end", Self.wavHeader(dataSize: 0x7FFF_0000) + samples, 1000,
        "byte 2044"
      ),
    ]
    for (what, bytes, frames, naming) in cases {
      try Data(bytes).write(to: dir.appendingPathComponent("lie.wav"))
      // From a pipe, where nothing can be sought past.
      let run = Self.bounded("cat lie.wav | rtpulaw --encode", in: dir)
      #expect(run.result.status == 65, "\(what): \(run.result.stderr)")
      #expect(Self.lines(run.result.stderr).count == 1, "\(what): \(run.result.stderr)")
      #expect(
        run.result.stderr.hasPrefix("rtpulaw: stdin: \(naming)"), "\(what): \(run.result.stderr)")
      #expect(run.result.stdout.count == frames, "\(what)")
      #expect(run.peakKiB < Self.peakKiB, "\(what): peak \(run.peakKiB) KiB")
    }
  }
}
