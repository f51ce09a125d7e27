import Foundation
import Testing

/// Input that arrives on a pipe (or a device) and must be read twice is copied to a temporary
/// file, a spool: its first bytes are checked before anything is copied, and the copy is capped
/// (`RTPSYNTH_SPOOL_LIMIT`, 8 GiB by default), so that endless or hostile input never fills the
/// disk. Hostile-suite style: the documented status, one line, and the bound held (here a file
/// size limit, `ulimit -f`, that a spool of the input would pass).
@Suite("Spooled input is checked and bounded")
struct SpoolToolTests {
  /// `ulimit -f` in 512-byte blocks: 256 KiB, far under what the inputs below would spool.
  static let fileBlocks = 512

  static func bounded(_ command: String, in directory: URL? = nil) -> Shell.Result {
    Shell.run("ulimit -f \(fileBlocks)\n\(command)", in: directory)
  }

  @Test(
    "Endless or long input that is not a capture is refused at byte 0, before any of it is spooled",
    arguments: [
      "timeout 20 rtpjb /dev/zero",
      "head -c 50000000 /dev/zero 2>/dev/null | timeout 20 rtpjb",
      "head -c 50000000 /dev/zero 2>/dev/null | timeout 20 rtpjb --list",
      "timeout 20 rtpsend --loop 2 --pace none --to 127.0.0.1:9 /dev/zero",
      "head -c 100000000 /dev/zero 2>/dev/null | gzip -1 2>/dev/null | timeout 20 rtpjb",
    ])
  func notACapture(command: String) throws {
    let result = Self.bounded(command + " > /dev/null")
    #expect(result.status == 65, "\(command): \(result.stderr)")
    let lines = result.stderr.split(separator: "\n")
    #expect(lines.count == 1, "\(command): \(result.stderr)")
    #expect(
      lines.first?.hasSuffix(
        ": byte 0: not a pcap, pcapng or rtpdump capture (starts 0x00000000)") == true,
      "\(command): \(result.stderr)")
  }

  @Test(
    "Endless input that is no audio file is refused at byte 0, before libsndfile's copy",
    arguments: [
      "timeout 20 rtpulaw --encode < /dev/zero",
      "head -c 50000000 /dev/zero 2>/dev/null | timeout 20 rtpresample --rate 16000",
    ])
  func notAudio(command: String) throws {
    let result = Self.bounded(command + " > /dev/null")
    #expect(result.status == 65, "\(command): \(result.stderr)")
    let lines = result.stderr.split(separator: "\n")
    #expect(lines.count == 1, "\(command): \(result.stderr)")
    #expect(
      lines.first?.contains(": byte 0: not a known audio file (starts 0x00000000)") == true,
      "\(command): \(result.stderr)")
  }

  @Test(
    "A capture on a pipe longer than RTPSYNTH_SPOOL_LIMIT is 65 and one line; under it, read whole")
  func spoolLimit() throws {
    let dir = Shell.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let made = Shell.run("rtpgen --count 1000 --seed 9 > in && rtpjb -o plain in", in: dir)
    try #require(made.status == 0, "\(made.stderr)")
    let size = try #require(
      try FileManager.default.attributesOfItem(atPath: dir.appendingPathComponent("in").path)[
        .size] as? Int)
    for command in [
      "cat in | RTPSYNTH_SPOOL_LIMIT=\(size - 1) rtpjb -o out",
      "cat in | RTPSYNTH_SPOOL_LIMIT=\(size - 1) rtpsend --loop 2 --pace none --to 127.0.0.1:9",
      "gzip -c in | RTPSYNTH_SPOOL_LIMIT=1000 rtpjb -o out",
    ] {
      let result = Shell.run(command, in: dir)
      #expect(result.status == 65, "\(command): \(result.stderr)")
      #expect(
        result.stderr.split(separator: "\n").count == 1
          && result.stderr.contains(": stdin: more than ")
          && result.stderr.contains("(RTPSYNTH_SPOOL_LIMIT); give the input as a file"),
        "\(command): \(result.stderr)")
    }
    let fits = Shell.run("cat in | RTPSYNTH_SPOOL_LIMIT=\(size) rtpjb -o out", in: dir)
    #expect(fits.status == 0, "\(fits.stderr)")
    #expect(
      try Data(contentsOf: dir.appendingPathComponent("out"))
        == Data(contentsOf: dir.appendingPathComponent("plain")))
    // --ssrc reads once and spools nothing: no limit applies.
    let once = Shell.run("cat in | RTPSYNTH_SPOOL_LIMIT=10 rtpjb --ssrc 0x1 -o /dev/null", in: dir)
    #expect(!once.stderr.contains("RTPSYNTH_SPOOL_LIMIT"), "\(once.stderr)")
  }

  @Test("A short capture on a pipe, under the bytes looked at first, is spooled and read")
  func shortCapture() throws {
    let dir = Shell.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let result = Shell.run(
      "rtpgen --count 3 --seed 2 > in && rtpjb -o plain in && cat in | rtpjb -o out"
        + " && cmp plain out && printf '\\324\\303' | rtpjb", in: dir)
    #expect(result.status == 65, "\(result.stderr)")
    #expect(
      result.stderr
        == "rtpjb: stdin: byte 0: not a pcap, pcapng or rtpdump capture (starts 0xd4c3)\n",
      "\(result.stderr)")
  }
}
