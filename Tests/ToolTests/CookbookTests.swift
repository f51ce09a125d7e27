import Foundation
import Testing

/// Every shell example of README.md and of the man pages' EXAMPLES, run as written with the built
/// tools first on `PATH`, so that the documents cannot drift from the tools. Each block runs under
/// `bash -euo pipefail`: any command or pipeline stage that fails fails the block; every file a
/// block writes into (`> FILE`, `-o FILE`, `-w FILE`) must exist and hold something afterwards.
@Suite("The documents' examples, run as written", .serialized)
struct CookbookTests {
  /// One shell example: where it is, and its text.
  struct Block: CustomStringConvertible {
    var source: String
    var line: Int
    var text: String
    var description: String { "\(source):\(line)" }

    /// The files the block writes: the targets of `>`, `-o` and `-w` outside quotes.
    var outputs: [String] {
      var unquoted = ""
      var quote: Character? = nil
      for character in text {
        if let open = quote {
          if character == open { quote = nil }
        } else if character == "'" || character == "\"" {
          quote = character
        } else {
          unquoted.append(character)
        }
      }
      let words = unquoted.split(whereSeparator: { $0 == " " || $0 == "\n" }).map { String($0) }
      var files: [String] = []
      for (index, word) in words.enumerated() where index + 1 < words.count {
        if word == ">" || word == "-o" || word == "-w" { files.append(words[index + 1]) }
      }
      return files.filter { $0.first != "/" && $0.first != "&" }
    }
  }

  static let root = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

  /// The fenced `sh` blocks of a Markdown file. Blocks that run the project's scripts (`scripts/`)
  /// are the README's own commands for setting up and testing, which CI runs itself.
  static func markdownBlocks(_ name: String) throws -> [Block] {
    let text = try String(contentsOf: root.appendingPathComponent(name), encoding: .utf8)
    var blocks: [Block] = []
    var current: [String]? = nil
    var start = 0
    for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated()
    {
      if current == nil, line == "```sh" {
        current = []
        start = index + 2
      } else if current != nil, line == "```" {
        let body = current!.joined(separator: "\n")
        if !body.contains("scripts/") {
          blocks.append(Block(source: name, line: start, text: body))
        }
        current = nil
      } else if current != nil {
        current!.append(String(line))
      }
    }
    return blocks
  }

  /// The literal displays (`.Bd -literal` … `.Ed`) of a man page's EXAMPLES, with mdoc's escapes
  /// for backslash and hyphen undone.
  static func manualBlocks(_ page: String) throws -> [Block] {
    let text = try String(contentsOf: root.appendingPathComponent(page), encoding: .utf8)
    var blocks: [Block] = []
    var inExamples = false
    var current: [String]? = nil
    var start = 0
    for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated()
    {
      if line.hasPrefix(".Sh ") {
        inExamples = line == ".Sh EXAMPLES"
      } else if inExamples, current == nil, line.hasPrefix(".Bd -literal") {
        current = []
        start = index + 2
      } else if current != nil, line == ".Ed" {
        blocks.append(Block(source: page, line: start, text: current!.joined(separator: "\n")))
        current = nil
      } else if current != nil {
        current!.append(
          line.replacingOccurrences(of: "\\e", with: "\\")
            .replacingOccurrences(of: "\\-", with: "-")
            .replacingOccurrences(of: "\\&", with: ""))
      }
    }
    return blocks
  }

  /// Runs `blocks` in order in `directory`, each under `bash -euo pipefail`.
  static func run(_ blocks: [Block], in directory: URL) {
    for block in blocks {
      let script = directory.appendingPathComponent(".block.sh")
      try? Data(block.text.utf8).write(to: script)
      let result = Shell.run("bash -euo pipefail .block.sh", in: directory)
      #expect(
        result.status == 0,
        "\(block) exited \(result.status):\n\(block.text)\n\(result.stderr.suffix(2000))")
      for file in block.outputs {
        let size =
          (try? FileManager.default.attributesOfItem(
            atPath: directory.appendingPathComponent(file).path)[.size] as? Int) ?? nil
        #expect((size ?? 0) > 0, "\(block): \(file) is missing or empty")
      }
    }
  }

  /// The inputs the man pages' examples assume a user has: a two-stream call with a loss in the
  /// stream with SSRC 0x343DA99B and the SDP of its audio, music, a wideband stereo FLAC
  /// recording, raw µ-law speech with a pause, raw 16-bit stereo and mono samples at 8 kHz.
  static let fixtures = """
    rtpgen --seed 1 --ssrc 0x343DA99B --tone 440 --duration 2 > a.pcap
    editcap a.pcap a-lossy.pcap 20 21
    rtpgen --seed 2 --pt 8 --tone 700 --duration 1 --dst 127.0.0.1:5006 > b.pcap
    mergecap -F pcap -w call.pcap a-lossy.pcap b.pcap
    rm a.pcap a-lossy.pcap b.pcap
    sox -n -r 44100 -c 2 music.wav synth 2 sine 262 sine 330
    sox -n -r 48000 -c 2 recording.flac synth 2 sine 300 sine 5000
    sox -n -r 8000 -c 1 -t ul speech.ulaw synth 1 sine 300 pad 0 1 repeat 1
    sox -n -r 8000 -c 2 -t s16 stereo.raw synth 1 sine 300 sine 500
    sox -n -r 8000 -c 1 -t s16 call.raw synth 1 sine 300
    printf 'v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=call\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n' > call.sdp
    printf 'm=audio 5004 RTP/AVP 0 8 101\r\na=rtpmap:101 telephone-event/8000\r\n' >> call.sdp
    """

  static let pages = [
    "man1/rtpgen.1", "man1/rtpjb.1", "man1/rtpulaw.1", "man1/rtpresample.1", "man1/rtpsend.1",
    "man1/rtprecv.1", "man1/rtpstat.1", "man1/rtpdec.1", "man7/rtpsynth.7",
  ]

  @Test("README.md: every sh block runs in order in an empty directory")
  func readme() throws {
    var blocks = try Self.markdownBlocks("README.md")
    #expect(blocks.count >= 8, "the cookbook has \(blocks.count) blocks")
    let directory = Shell.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    // The blocks that read real captures find them under corpus/, linked to the corpus beside
    // the checkout; without it they are skipped.
    let corpus = RTPJBToolTests.corpus.path
    if FileManager.default.fileExists(atPath: corpus) {
      try FileManager.default.createSymbolicLink(
        atPath: directory.appendingPathComponent("corpus").path, withDestinationPath: corpus)
    } else {
      let skipped = blocks.filter { $0.text.contains("corpus/") }
      blocks.removeAll { $0.text.contains("corpus/") }
      print("skipped: no corpus at \(corpus) for \(skipped.count) README blocks")
    }
    Self.run(blocks, in: directory)
  }

  @Test("Each man page's EXAMPLES run in order beside the inputs they name", arguments: pages)
  func manual(page: String) throws {
    let blocks = try Self.manualBlocks("man/\(page)")
    #expect(!blocks.isEmpty, "\(page) has no examples")
    let directory = Shell.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let setup = Shell.run("set -e\n" + Self.fixtures, in: directory)
    try #require(setup.status == 0, "fixtures: \(setup.stderr)")
    Self.run(blocks, in: directory)
  }
}
