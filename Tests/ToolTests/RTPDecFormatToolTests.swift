import Foundation
import Testing

/// rtpdec's output formats beyond WAV and raw: what libsndfile writes, checked by ffmpeg.
@Suite("rtpdec writes what libsndfile writes")
struct RTPDecFormatToolTests {
  static let ffmpeg = Shell.has("ffmpeg")

  /// ffmpeg's decode of `file` in `dir` to mono 16-bit samples at `rate`.
  static func ffmpegSamples(_ file: String, rate: Int, in dir: URL) -> [Int16] {
    let run = Shell.run(
      "ffmpeg -nostdin -v error -i \(file) -ac 1 -ar \(rate) -f s16le -", in: dir)
    #expect(run.status == 0, "\(file): \(run.stderr)")
    return AudioTool.samples(run.stdout)
  }

  @Test(
    "Lossless formats by the -o extension hold exactly the samples of the raw output",
    arguments: ["flac", "aiff", "au", "caf", "w64", "rf64"])
  func lossless(format: String) throws {
    guard Self.ffmpeg else { return print("skipped: no ffmpeg") }
    let dir = Shell.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let run = Shell.run(
      "rtpgen --codec pcma --tone 1000 --duration 1 > s.pcap && rtpdec -o out.\(format) s.pcap "
        + "&& rtpdec --format raw s.pcap > out.raw", in: dir)
    #expect(run.status == 0, "\(run.stderr)")
    let raw = AudioTool.samples(try Data(contentsOf: dir.appendingPathComponent("out.raw")))
    #expect(raw.count == 8000)
    #expect(Self.ffmpegSamples("out.\(format)", rate: 8000, in: dir) == raw)
  }

  @Test(
    "Lossy formats, named by --format, hold the tone: length and frequency",
    arguments: [("ogg", 8000), ("opus", 48000), ("mp3", 16000)])
  func lossy(format: String, rate: Int) throws {
    guard Self.ffmpeg else { return print("skipped: no ffmpeg") }
    let dir = Shell.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let run = Shell.run(
      "rtpgen --codec pcmu --tone 1000 --duration 2 > s.pcap && "
        + "rtpdec --format \(format) --rate \(rate) s.pcap > out.bin", in: dir)
    #expect(run.status == 0, "\(run.stderr)")
    let samples = Self.ffmpegSamples("out.bin", rate: 8000, in: dir)
    // Encoder delay and padding: within 0.1 s of the two seconds.
    #expect(abs(samples.count - 16000) < 800, "\(format): \(samples.count) samples")
    guard samples.count > 12000 else { return }
    let crossings = RTPGenCodecToolTests.crossingsPerSecond(samples[4000..<12000], rate: 8000)
    #expect(abs(crossings - 2000) < 40, "\(format): \(crossings) crossings a second")
  }

  @Test("A libsndfile format on a pipe, or at a rate it cannot hold, is one line and 65")
  func refused() throws {
    let dir = Shell.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let made = Shell.run("rtpgen --tone 440 --duration 1 > s.pcap", in: dir)
    try #require(made.status == 0)
    // A redirect to a file is a file.
    let redirected = Shell.run("rtpdec --format flac s.pcap > out.flac", in: dir)
    #expect(redirected.status == 0, "\(redirected.stderr)")
    let fifo = Shell.run(
      "mkfifo p && (cat p > /dev/null &) && rtpdec --format flac -o p s.pcap", in: dir)
    #expect(fifo.status == 65, "\(fifo.stderr)")
    #expect(fifo.stderr.contains("flac is written to a file"), "\(fifo.stderr)")
    #expect(fifo.stderr.split(separator: "\n").count == 1)
    let rate = Shell.run("rtpdec --format opus --rate 44100 -o x.opus s.pcap", in: dir)
    #expect(rate.status == 65)
    #expect(rate.stderr.contains("Opus only supports sample rates of 8000"), "\(rate.stderr)")
    let unknown = Shell.run("rtpdec --format wma s.pcap", in: dir)
    #expect(unknown.status == 64)
  }
}
