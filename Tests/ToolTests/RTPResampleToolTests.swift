import Foundation
import RTPCore
import Testing

@Suite("rtpresample in pipelines, with sox as the oracle", .enabled(if: AudioTool.sox))
struct RTPResampleToolTests {
  /// Makes `sine.wav` (2 s of 1 kHz at 44.1 kHz, -1 dBFS, by sox) and `sine.raw` (its samples)
  /// in `directory`.
  static func sine(in directory: URL) {
    let made = Shell.run(
      "sox -n -r 44100 -c 1 -b 16 sine.wav synth 2 sine 1000 vol 0.9 && sox sine.wav -t s16 sine.raw",
      in: directory)
    #expect(made.status == 0, "\(made.stderr)")
  }

  @Test("1 kHz at 44.1 kHz → 8 kHz (high): the 1 kHz line and nothing above -90 dB elsewhere")
  func spectrum() throws {
    let dir = Shell.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    Self.sine(in: dir)
    let result = Shell.run(
      "rtpresample --rate 8000 sine.wav > out.wav && soxi -r out.wav && soxi -c out.wav"
        + " && sox out.wav -t s16 -", in: dir)
    #expect(result.status == 0, "\(result.stderr)")
    let header = String(decoding: result.stdout.prefix(7), as: UTF8.self)
    #expect(header == "8000\n1\n")
    let samples = AudioTool.samples(result.stdout.dropFirst(7))
    #expect(samples.count == 16000)
    // 4000 samples from the middle: exactly 500 periods, so the line is bin 500 alone.
    let spectrum = AudioTool.spectrum(Array(samples[6000..<10000]))
    #expect(spectrum[500] == 0)
    let worst = spectrum.indices.filter { $0 != 500 }.map { spectrum[$0] }.max() ?? 0
    #expect(worst < -90, "strongest other bin at \(worst) dB")
    print("rtpresample high: strongest bin besides 1 kHz at \(worst) dB")
  }

  @Test("--quality linear is librtpsynth's algorithm: LinearResampler on the same samples")
  func linear() throws {
    let dir = Shell.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    Self.sine(in: dir)
    let input = AudioTool.samples(try Data(contentsOf: dir.appendingPathComponent("sine.raw")))
    for rate in [8000, 11025, 48000] {
      let expected = try LinearResampler.resample(input, from: 44100, to: rate)
      let result = Shell.run(
        "rtpresample --quality linear --rate \(rate) --raw sine.wav", in: dir)
      #expect(result.status == 0, "\(result.stderr)")
      #expect(AudioTool.samples(result.stdout) == expected, "\(rate) Hz")
    }
  }

  @Test(
    "input arriving in pieces on a slow pipe gives what it gives whole",
    arguments: ["linear", "low", "medium", "high", "very-high"])
  func chunked(quality: String) throws {
    let dir = Shell.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    Self.sine(in: dir)
    let result = Shell.run(
      "rtpresample --quality \(quality) --rate 8000 sine.wav > whole.wav"
        + " && { head -c 10000 sine.wav; sleep 0.1; tail -c +10001 sine.wav | head -c 77777;"
        + " sleep 0.1; tail -c +87778 sine.wav; }"
        + " | rtpresample --quality \(quality) --rate 8000 > pieces.wav"
        + " && sox whole.wav -t s16 whole.raw && sox pieces.wav -t s16 pieces.raw"
        + " && cmp whole.raw pieces.raw && wc -c < whole.raw", in: dir)
    #expect(result.status == 0, "\(quality): \(result.stderr)")
    #expect(result.output == "32000\n", "\(quality)")
  }

  @Test("raw in gives raw out, WAV in gives WAV out; --wav and --raw choose")
  func containers() throws {
    let dir = Shell.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    Self.sine(in: dir)
    let result = Shell.run(
      "rtpresample --rate 16000 --encoding s16le --in-rate 44100 < sine.raw > a.raw"
        + " && rtpresample --rate 16000 --raw sine.wav | cmp - a.raw"
        + " && rtpresample --rate 16000 --wav --encoding s16le --in-rate 44100 sine.raw > b.wav"
        + " && rtpresample --rate 16000 sine.wav -o c.wav && cmp b.wav c.wav"
        + " && sox b.wav -t s16 - | cmp - a.raw && soxi -r c.wav && wc -c < a.raw", in: dir)
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.output == "16000\n64000\n")
  }

  @Test("stereo: mixed down by default, one channel with --channel")
  func channels() throws {
    let dir = Shell.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let result = Shell.run(
      "sox -n -r 16000 -c 2 -b 16 s.wav synth 0.5 sine 300 sine 500"
        + " && rtpresample --rate 8000 --channel 2 --raw s.wav > ours.raw"
        + " && sox s.wav -r 8000 -t s16 theirs.raw remix 2 rate -h"
        + " && rtpresample --rate 8000 s.wav | soxi -c -", in: dir)
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.output == "1\n")
    let ours = AudioTool.samples(try Data(contentsOf: dir.appendingPathComponent("ours.raw")))
    let theirs = AudioTool.samples(
      try Data(contentsOf: dir.appendingPathComponent("theirs.raw")))
    // Both are libsoxr at high quality; sox dithers and scales slightly differently.
    #expect(ours.count == theirs.count)
    let differences = zip(ours, theirs).map { abs(Int($0) - Int($1)) }
    #expect((differences.max() ?? 99) <= 2, "largest difference \(differences.max() ?? -1)")
  }

  @Test("bad input: one line, exit 65, every whole sample before it resampled")
  func badInput() throws {
    let dir = Shell.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    Self.sine(in: dir)
    let odd = Shell.run(
      "head -c 20001 sine.raw | rtpresample --quality linear --encoding s16le --in-rate 44100"
        + " --rate 8000 > odd.raw; echo $?; head -c 20000 sine.raw"
        + " | rtpresample --quality linear --encoding s16le --in-rate 44100 --rate 8000"
        + " | cmp - odd.raw", in: dir)
    #expect(odd.output == "65\n", "\(odd.stderr)")
    #expect(
      odd.stderr
        == "rtpresample: stdin: byte 20000, frame 10000: data ends with 1 bytes of a 2-byte frame\n"
    )
    let truncated = Shell.run(
      "head -c 30045 sine.wav | rtpresample --rate 8000 > t.wav; echo $?; soxi -s t.wav", in: dir)
    #expect(truncated.lines.first == "65")
    #expect(
      truncated.stderr.hasPrefix("rtpresample: stdin: byte 30045, frame 15000: data ends early"))
    // 15000 samples at 44.1 kHz are 2721 at 8 kHz.
    #expect(truncated.lines.last == "2721")
    let unknown = Shell.run("printf 'garbage!garbage!' | rtpresample --rate 8000")
    #expect(unknown.status == 65)
    #expect(
      unknown.stderr
        == "rtpresample: stdin: byte 0: not a known audio file (starts 0x67617262): format not recognised\n"
    )
  }

  @Test("usage errors 64, a missing file 66, /dev/full 74, a closed pipe quietly 0")
  func failures() throws {
    for arguments in [
      "", "--rate 0", "--rate 8000 --in-rate 44100", "--rate 8000 --encoding s16le",
      "--rate 8000 --encoding s16le --in-rate 0", "--rate 8000 --quality best",
      "--rate 8000 --encoding s16le --in-rate 8000 --channels 5000", "--rate 8000 --wav --raw",
      "--rate 8000 --channels 2", "--rate 2000000",
    ] {
      let result = Shell.run("rtpresample \(arguments) < /dev/null")
      #expect(result.status == 64, "\(arguments)")
      #expect(
        result.stderr.hasPrefix("rtpresample: ") && result.stderr.split(separator: "\n").count == 1)
    }
    let missing = Shell.run("rtpresample --rate 8000 /nonexistent/file")
    #expect(missing.status == 66)
    let full = Shell.run(
      "head -c 100000 /dev/zero | rtpresample --rate 8000 --encoding s16le --in-rate 16000 > /dev/full"
    )
    #expect(full.status == 74)
    #expect(full.stderr.hasPrefix("rtpresample: stdout: write failed at byte 0: "))
    let dir = Shell.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let closed = Shell.run(
      "head -c 20000000 /dev/zero > z; { rtpresample --rate 16000 --encoding s16le --in-rate 8000 < z;"
        + " echo $? > status; } | head -c 10 > /dev/null; cat status", in: dir)
    #expect(closed.output == "0\n")
    #expect(closed.stderr.isEmpty)
  }

  @Test(
    "Up-sampling past libsoxr's limit is refused (64); up to it, and linear at any ratio, works",
    arguments: ResamplerQualityCase.all)
  func upsamplingLimit(quality: String) {
    // 10 samples at 1 Hz: 65536 times is 655,360 samples out; one more Hz is refused, where
    // libsoxr would compute without end and give nothing. `timeout` keeps a regression bounded.
    let run = { (rate: Int) in
      Shell.run(
        "head -c 20 /dev/zero | timeout 60 rtpresample --encoding s16le --in-rate 1"
          + " --rate \(rate) --quality \(quality) --raw | wc -c")
    }
    let edge = run(65536)
    #expect(edge.status == 0 && edge.output.trimmingCharacters(in: .whitespaces) == "1310720\n")
    let past = run(65537)
    if quality == "linear" {
      #expect(past.output.trimmingCharacters(in: .whitespaces) == "1310740\n", "\(past.stderr)")
      #expect(run(600_000).output.trimmingCharacters(in: .whitespaces) == "12000000\n")
    } else {
      #expect(past.output.trimmingCharacters(in: .whitespaces) == "0\n")
      #expect(
        past.stderr
          == "rtpresample: 1 Hz to 65537 Hz is up-sampling more than 65536 times, which libsoxr "
          + "cannot do: use --quality linear, or resample in two steps\n", "\(past.stderr)")
      let status = Shell.run(
        "head -c 20 /dev/zero | rtpresample --encoding s16le --in-rate 1 --rate 600000"
          + " --quality \(quality) > /dev/null")
      #expect(status.status == 64)
    }
  }
}

/// The qualities rtpresample offers.
enum ResamplerQualityCase {
  static let all = ["linear", "low", "medium", "high", "very-high"]
}
