import Foundation
import Testing

/// Captures compressed with gzip (`.pcap.gz`, as Wireshark's sample archives and tshark read
/// them) are read as the capture they inflate to, by every tool that reads captures, sniffed by
/// their first bytes whatever the file is called; damage is one line and 65 after the good
/// records.
@Suite("gzip-compressed captures")
struct CompressedCaptureToolTests {
  static let formats = ["pcap", "pcap-ns", "pcapng", "rtpdump"]

  static func data(_ dir: URL, _ name: String) throws -> Data {
    try Data(contentsOf: dir.appendingPathComponent(name))
  }

  @Test(
    "rtpjb, rtpstat and rtpsend read a gzip file, a gzip stdin and a gzip pipe as the capture itself",
    arguments: formats)
  func sameAsUncompressed(format: String) throws {
    let dir = Shell.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    // A name that does not say gzip: the magic decides.
    let made = Shell.run(
      "rtpgen --count 500 --seed 3 --format \(format) > in && gzip -c in > packed", in: dir)
    try #require(made.status == 0, "\(made.stderr)")
    let plain = Shell.run("rtpjb -o plain.out in && rtpstat --json in > plain.json", in: dir)
    try #require(plain.status == 0, "\(plain.stderr)")
    for (index, input) in ["packed", "< packed", "cat packed |"].enumerated() {
      let command =
        input.hasSuffix("|")
        ? "\(input) rtpjb -o jb\(index) && \(input) rtpstat --json > stat\(index)"
        : "rtpjb -o jb\(index) \(input) && rtpstat --json \(input) > stat\(index)"
      let packed = Shell.run(command, in: dir)
      #expect(packed.status == 0, "\(input): \(packed.stderr)")
      #expect(packed.stderr.isEmpty, "\(input): \(packed.stderr)")
      #expect(try Self.data(dir, "jb\(index)") == Self.data(dir, "plain.out"), "\(input)")
      #expect(try Self.data(dir, "stat\(index)") == Self.data(dir, "plain.json"), "\(input)")
    }
    let sent = Shell.run("rtpsend --pace none --to 127.0.0.1:9 --stats packed", in: dir)
    #expect(sent.status == 0, "\(sent.stderr)")
    #expect(sent.stderr.contains("\"read\":500,"), "\(sent.stderr)")
    #expect(sent.stderr.contains("\"sent\":500,"), "\(sent.stderr)")
  }

  @Test(
    "Several gzip members, split in the middle of a record, and zero padding read as one capture")
  func multiMember() throws {
    let dir = Shell.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let made = Shell.run(
      """
      rtpgen --count 300 --seed 5 > in && rtpjb -o plain.out in \
      && { head -c 1001 in | gzip; tail -c +1002 in | head -c 20000 | gzip -1; \
      tail -c +21002 in | gzip -9; head -c 512 /dev/zero; } > packed
      """, in: dir)
    try #require(made.status == 0, "\(made.stderr)")
    let read = Shell.run("rtpjb -o out packed", in: dir)
    #expect(read.status == 0, "\(read.stderr)")
    #expect(try Self.data(dir, "out") == Self.data(dir, "plain.out"))
  }

  @Test(
    "A gzip capture cut short: the records before the cut out, then 65 and one line",
    arguments: [0.25, 0.5, 0.9])
  func truncated(fraction: Double) throws {
    let dir = Shell.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let made = Shell.run(
      """
      rtpgen --count 2000 --seed 6 > in \
      && gzip -c in > full.gz && head -c $(( $(wc -c < full.gz) * \(Int(fraction * 100)) / 100 )) \
      full.gz > cut.gz && rtpjb -o plain.out in
      """, in: dir)
    try #require(made.status == 0, "\(made.stderr)")
    let result = Shell.run("rtpjb -o out cut.gz", in: dir)
    #expect(result.status == 65, "\(result.stderr)")
    let lines = result.stderr.split(separator: "\n")
    #expect(lines.count == 1, "\(result.stderr)")
    #expect(
      result.stderr.hasPrefix("rtpjb: cut.gz: gzip data at compressed byte "),
      "\(result.stderr)")
    #expect(result.stderr.contains("truncated"), "\(result.stderr)")
    // The packets before the cut, in order: a prefix of the whole capture's output.
    let out = try Self.data(dir, "out")
    let whole = try Self.data(dir, "plain.out")
    #expect(out.count > 24 && out.count < whole.count)
    #expect(whole.starts(with: out))
  }

  @Test("A gzip capture whose CRC does not match: every record out, then 65 and one line")
  func badCheck() throws {
    let dir = Shell.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    // The trailer's CRC-32 is the 8th to 5th last bytes: invert the first of them.
    let made = Shell.run(
      """
      rtpgen --count 400 --seed 7 > in && rtpstat --json in > plain.json && gzip -c in > bad.gz \
      && size=$(wc -c < bad.gz) && byte=$(od -An -tu1 -j $((size - 8)) -N1 bad.gz) \
      && printf "\\\\$(printf %o $((255 - byte)))" \
      | dd of=bad.gz bs=1 seek=$((size - 8)) conv=notrunc status=none
      """, in: dir)
    try #require(made.status == 0, "\(made.stderr)")
    let result = Shell.run("rtpstat --json bad.gz > out.json", in: dir)
    #expect(result.status == 65, "\(result.stderr)")
    #expect(result.stderr.split(separator: "\n").count == 1, "\(result.stderr)")
    #expect(result.stderr.contains("incorrect data check"), "\(result.stderr)")
  }

  @Test("Garbage inside the compressed stream is 65 and one line, never a trap")
  func corruptBlock() throws {
    let dir = Shell.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let made = Shell.run(
      """
      rtpgen --count 400 --seed 8 > in && gzip -c in > bad.gz \
      && head -c 64 /dev/urandom | dd of=bad.gz bs=1 seek=200 conv=notrunc status=none
      """, in: dir)
    try #require(made.status == 0, "\(made.stderr)")
    for tool in ["rtpjb -o /dev/null", "rtpstat", "rtpsend --pace none --to 127.0.0.1:9"] {
      let result = Shell.run("\(tool) bad.gz > /dev/null", in: dir)
      #expect(result.status == 65, "\(tool): \(result.stderr)")
      #expect(result.stderr.split(separator: "\n").count <= 2, "\(tool): \(result.stderr)")
      #expect(result.stderr.split(separator: "\n").last?.contains(": bad.gz: ") == true)
    }
  }

  static let hasXZ = Shell.has("xz")

  @Test(
    "xz captures too: one stream or several, from a file and a pipe; cut short, 65 and one line",
    .enabled(if: hasXZ))
  func xz() throws {
    let dir = Shell.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let made = Shell.run(
      """
      rtpgen --count 3000 --seed 10 > in && rtpjb -o plain.out in && xz -c in > one \
      && { head -c 5000 in | xz -c; tail -c +5001 in | xz -c -1; } > two \
      && head -c $(( $(wc -c < one) / 2 )) one > cut && xz -c --lzma2=dict=1536MiB in > greedy
      """, in: dir)
    try #require(made.status == 0, "\(made.stderr)")
    for command in ["rtpjb -o out one", "cat one | rtpjb -o out", "rtpjb -o out < two"] {
      let result = Shell.run(command, in: dir)
      #expect(result.status == 0, "\(command): \(result.stderr)")
      #expect(try Self.data(dir, "out") == Self.data(dir, "plain.out"), "\(command)")
    }
    let cut = Shell.run("rtpjb -o out cut", in: dir)
    #expect(cut.status == 65, "\(cut.stderr)")
    #expect(cut.stderr.split(separator: "\n").count == 1, "\(cut.stderr)")
    #expect(cut.stderr.hasPrefix("rtpjb: cut: xz data at compressed byte "), "\(cut.stderr)")
    let out = try Self.data(dir, "out")
    let whole = try Self.data(dir, "plain.out")
    #expect(out.count > 24 && whole.starts(with: out))
    // A stream asking for a 1.5 GiB dictionary is refused, not allocated.
    let greedy = Shell.run("rtpjb -o out greedy", in: dir)
    #expect(greedy.status == 65, "\(greedy.stderr)")
    #expect(
      greedy.stderr
        == "rtpjb: greedy: xz data at compressed byte 24: needs more than 256 MiB to decode\n",
      "\(greedy.stderr)")
  }

  @Test("Every corpus capture gzipped on the fly reads as the capture itself")
  func corpus() throws {
    guard FileManager.default.fileExists(atPath: RTPJBToolTests.corpus.path) else {
      print("skipped: no corpus at \(RTPJBToolTests.corpus.path)")
      return
    }
    let files = try FileManager.default.contentsOfDirectory(atPath: RTPJBToolTests.corpus.path)
      .filter { $0.hasSuffix(".pcap") || $0.hasSuffix(".pcapng") }.sorted()
    #expect(!files.isEmpty)
    for file in files {
      let path = RTPJBToolTests.corpus.appendingPathComponent(file).path
      let plain = Shell.run("rtpstat --json < '\(path)'")
      let packed = Shell.run("gzip -c '\(path)' | rtpstat --json")
      #expect(packed.status == plain.status, "\(file): \(packed.stderr)")
      #expect(packed.stdout == plain.stdout, "\(file)")
      #expect(packed.stderr == plain.stderr, "\(file)")
    }
  }
}
