import Foundation
import Testing

/// `--progress`: a line redrawn on standard error when it is a terminal, never otherwise, and
/// never a change to what the tool writes.
@Suite("Progress on standard error")
struct ProgressToolTests {
  /// A tool's run over a small input: the commands that make the input in the directory, the
  /// tool's command writing to `out` (the `--progress` is added by the test), and the fields its
  /// progress line must show.
  struct Case: CustomTestStringConvertible, Sendable {
    var tool: String
    var setup: String
    var command: String
    var fields: [String]
    var testDescription: String { tool }
    /// Whether the command writes `out` (rtpsend writes nothing but `--stats`).
    var writesOutput: Bool { tool != "rtpsend" }
    /// The command with `--progress`.
    var withProgress: String {
      command.replacingOccurrences(of: "\(tool) ", with: "\(tool) --progress ")
    }
  }

  static let capture = "rtpgen --count 3000 --seed 1 -o in.pcap"

  static let cases: [Case] = [
    Case(
      tool: "rtpgen", setup: "true", command: "rtpgen --count 3000 --seed 1 -o out",
      fields: ["rtpgen: ", "% ", " of 3000 packets", " packets/s", " elapsed", " left"]),
    Case(
      tool: "rtpjb", setup: capture, command: "rtpjb -o out in.pcap",
      fields: ["rtpjb: ", "% ", " kB of ", " packets", " packets/s", " left"]),
    Case(
      tool: "rtpstat", setup: capture, command: "rtpstat -o out in.pcap",
      fields: ["rtpstat: ", "% ", " kB of ", " packets/s", " left"]),
    Case(
      tool: "rtpulaw", setup: capture + " && rtpjb --output payload -o in.ulaw in.pcap",
      command: "rtpulaw --decode -o out in.ulaw",
      fields: ["rtpulaw: ", "% ", " kB of ", " samples", " samples/s", " left"]),
    Case(
      tool: "rtpresample",
      setup: capture + " && rtpjb --output payload in.pcap | rtpulaw --decode -o in.wav",
      command: "rtpresample --rate 16000 -o out in.wav",
      fields: ["rtpresample: ", "% ", " kB of ", " samples/s", " left"]),
    Case(
      tool: "rtpsend", setup: capture,
      command: "rtpsend --pace none --to 127.0.0.1:9 --stats in.pcap",
      fields: ["rtpsend: ", "% ", " kB of ", " packets/s", " elapsed"]),
  ]

  /// Runs `command` with a pseudo-terminal for its standard streams (util-linux `script`),
  /// returning everything it wrote to them.
  static func underTerminal(_ command: String, in directory: URL) -> Shell.Result {
    Shell.run("script -qec '\(command)' /dev/null", in: directory)
  }

  static let hasScript = Shell.has("script")

  @Test(
    "With standard error a pipe, --progress draws nothing and the output is unchanged",
    arguments: cases)
  func notOnAPipe(_ run: Case) throws {
    let dir = Shell.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    #expect(Shell.run(run.setup, in: dir).status == 0)
    let plain = Shell.run(run.command + (run.writesOutput ? " && mv out plain" : ""), in: dir)
    #expect(plain.status == 0, "\(plain.stderr)")
    let shown = Shell.run(run.withProgress, in: dir)
    #expect(shown.status == 0, "\(shown.stderr)")
    #expect(!shown.stderr.contains("\r"))
    #expect(!shown.stderr.contains("/s,"))
    if run.writesOutput {
      #expect(shown.stderr == plain.stderr)
      let a = try Data(contentsOf: dir.appendingPathComponent("out"))
      let b = try Data(contentsOf: dir.appendingPathComponent("plain"))
      #expect(!a.isEmpty && a == b)
    }
  }

  @Test(
    "Under a terminal, --progress draws lines with the fields, clears them, and the output is unchanged",
    .enabled(if: hasScript), arguments: cases)
  func onATerminal(_ run: Case) throws {
    let dir = Shell.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    #expect(Shell.run(run.setup, in: dir).status == 0)
    let plain = Shell.run(run.command + (run.writesOutput ? " && mv out plain" : ""), in: dir)
    #expect(plain.status == 0, "\(plain.stderr)")
    let shown = Self.underTerminal(run.withProgress, in: dir)
    #expect(shown.status == 0, "\(shown.output)")
    let text = shown.output
    // Each redraw starts with a carriage return and ends by clearing the rest of the line.
    let draws = text.components(separatedBy: "\r").dropFirst()
      .filter { $0.hasPrefix(run.tool + ": ") }
    #expect(!draws.isEmpty, "no progress line in \(text.debugDescription)")
    for field in run.fields {
      #expect(draws.contains { $0.contains(field) }, "\(field) in \(draws)")
    }
    #expect(draws.allSatisfy { $0.hasSuffix("\u{1B}[K") })
    // The last thing drawn is the clearing, so what follows starts on a clean line.
    #expect(text.contains("\r\u{1B}[K"))
    if !run.writesOutput {
      let stats = text.components(separatedBy: "\r\u{1B}[K").last ?? ""
      #expect(stats.hasPrefix("{\"read\":3000,"), "\(stats.debugDescription)")
    } else {
      let a = try Data(contentsOf: dir.appendingPathComponent("out"))
      let b = try Data(contentsOf: dir.appendingPathComponent("plain"))
      #expect(!a.isEmpty && a == b)
    }
  }

  @Test(
    "A file libsndfile reads counts samples of its total, which the header gives",
    .enabled(if: hasScript && AudioTool.sox))
  func samplesOfTotal() throws {
    let dir = Shell.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    // 480,000 samples: 60 s at 8000 Hz.
    let made = Shell.run(
      Self.capture + " && rtpjb --output payload in.pcap | rtpulaw --decode -o in.wav"
        + " && sox in.wav in.flac", in: dir)
    #expect(made.status == 0, "\(made.stderr)")
    let shown = Self.underTerminal("rtpresample --progress --rate 16000 -o out in.flac", in: dir)
    #expect(shown.status == 0, "\(shown.output)")
    #expect(shown.output.contains(" of 480.0 k samples, "), "\(shown.output.debugDescription)")
    #expect(shown.output.hasSuffix("\r\u{1B}[K"))
  }

  @Test(
    "rtpjb's two passes each show the file's one total, say which pass they are, and count that pass's packets",
    .enabled(if: hasScript))
  func twoPassesOneTotal() throws {
    let dir = Shell.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    #expect(Shell.run(Self.capture, in: dir).status == 0)
    let size = try #require(
      try FileManager.default.attributesOfItem(atPath: dir.appendingPathComponent("in.pcap").path)[
        .size] as? Int)
    let tenths = Int((Double(size) / 1000 * 10).rounded())
    let total = "of \(tenths / 10).\(tenths % 10) kB, "
    let shown = Self.underTerminal("rtpjb --progress -o out in.pcap", in: dir)
    #expect(shown.status == 0, "\(shown.output)")
    let draws = shown.output.components(separatedBy: "\r").dropFirst()
      .filter { $0.hasPrefix("rtpjb: ") }
    #expect(draws.contains { $0.hasPrefix("rtpjb: pass 1 of 2, ") }, "\(draws)")
    #expect(draws.contains { $0.hasPrefix("rtpjb: pass 2 of 2, ") }, "\(draws)")
    for draw in draws {
      #expect(draw.contains(total), "\(total) in \(draw.debugDescription)")
      // "..., N packets, ...": never more than the file holds.
      let fields = draw.components(separatedBy: ", ")
      let packets = try #require(fields.first { $0.hasSuffix(" packets") })
      let count = try #require(Int(packets.dropLast(" packets".count)))
      #expect(count <= 3000, "\(draw.debugDescription)")
    }
  }

  @Test(
    "Under a terminal without --progress, the line appears once the work passes a few seconds, unless the input is a pipe",
    .enabled(if: hasScript))
  func appearsUnasked() throws {
    let dir = Shell.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    // 160 packets of 20 ms: 3.2 s of real time paced, past the 2.5 s the meter waits.
    #expect(Shell.run("rtpgen --count 160 --seed 1 -o in.pcap", in: dir).status == 0)
    let quick = Self.underTerminal("rtpsend --to 127.0.0.1:9 --pace none in.pcap", in: dir)
    #expect(quick.status == 0)
    #expect(!quick.output.contains("rtpsend: "), "\(quick.output.debugDescription)")
    let paced = Self.underTerminal("rtpsend --to 127.0.0.1:9 in.pcap", in: dir)
    #expect(paced.status == 0)
    #expect(paced.output.contains("\rrtpsend: "), "\(paced.output.debugDescription)")
    #expect(paced.output.contains(" left\u{1B}[K"))
    #expect(paced.output.hasSuffix("\r\u{1B}[K"))
    // Reading a pipe, it stays quiet unasked: the tool upstream may be drawing.
    let piped = Self.underTerminal("cat in.pcap | rtpsend --to 127.0.0.1:9", in: dir)
    #expect(piped.status == 0)
    #expect(!piped.output.contains("rtpsend: "), "\(piped.output.debugDescription)")
  }
}
