import Foundation
import RTPCore
import Testing

@Suite("rtpulaw in pipelines, with sox as the oracle", .enabled(if: AudioTool.sox))
struct RTPULawToolTests {
  static let corpus = AudioTool.root.deletingLastPathComponent().appendingPathComponent(
    "shared/corpus")

  /// A WAV of every 16-bit value, twice (the second time reversed), at 8000 Hz, made by sox
  /// from raw samples, in `directory`; returns the samples.
  static func everySample(in directory: URL) -> [Int16] {
    let samples = (0..<65536).map { Int16(truncatingIfNeeded: $0) }
    let all = samples + samples.reversed()
    _ = FileManager.default.createFile(
      atPath: directory.appendingPathComponent("all.raw").path, contents: AudioTool.bytes(all))
    let made = Shell.run("sox -t s16 -r 8000 -c 1 all.raw all.wav", in: directory)
    #expect(made.status == 0, "\(made.stderr)")
    return all
  }

  @Test("encode | decode on a WAV gives G.191's round trip of every sample, both laws")
  func roundTrip() throws {
    let dir = Shell.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let all = Self.everySample(in: dir)
    for law in G711Law.allCases {
      let expected = all.map {
        law == .ulaw ? G711.ulawDecode(G711.ulawEncode($0)) : G711.alawDecode(G711.alawEncode($0))
      }
      let result = Shell.run(
        "rtpulaw --encode --law \(law.rawValue) all.wav"
          + " | rtpulaw --decode --law \(law.rawValue) > pipe.wav"
          + " && rtpulaw --encode --law \(law.rawValue) all.wav -o g711"
          + " && rtpulaw --decode --law \(law.rawValue) -o file.wav g711"
          + " && sox pipe.wav -t s16 pipe.raw && sox file.wav -t s16 file.raw && cmp pipe.raw file.raw"
          + " && cat pipe.raw", in: dir)
      #expect(result.status == 0, "\(law): \(result.stderr)")
      #expect(AudioTool.samples(result.stdout) == expected, "\(law)")
      // The encoder's output is the octets themselves: G.191's, one per sample.
      let octets = try Data(contentsOf: dir.appendingPathComponent("g711"))
      let encode = { (sample: Int16) -> UInt8 in
        law == .ulaw ? G711.ulawEncode(sample) : G711.alawEncode(sample)
      }
      #expect([UInt8](octets) == all.map(encode), "\(law)")
    }
  }

  @Test("--wav writes a G.711 WAV that sox reads; --decode reads it back, and --raw")
  func g711WAV() throws {
    let dir = Shell.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let all = Self.everySample(in: dir)
    let expected = all.map { G711.alawDecode(G711.alawEncode($0)) }
    let result = Shell.run(
      "rtpulaw --encode --wav --law a < all.wav > a.wav && soxi -e a.wav"
        + " && sox a.wav -t s16 sox.raw && rtpulaw --decode --raw a.wav | cmp - sox.raw"
        + " && cat a.wav | rtpulaw --decode --raw | cmp - sox.raw && cat sox.raw", in: dir)
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.lines.first == "A-law")
    #expect(AudioTool.samples(result.stdout.drop(while: { $0 != 0x0A }).dropFirst()) == expected)
  }

  @Test("rtpgen --tone 1000 | rtpjb --output payload | rtpulaw --decode: an 8 kHz mono 1 kHz tone")
  func tonePipeline() throws {
    let dir = Shell.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let result = Shell.run(
      "rtpgen --tone 1000 --pt 0 --count 100 | rtpjb --output payload | rtpulaw --decode > f.wav"
        + " && soxi -r f.wav && soxi -c f.wav && sox f.wav -n stat 2>&1", in: dir)
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.lines.prefix(2) == ["8000", "1"])
    let rough = result.lines.first { $0.hasPrefix("Rough") }?.split(separator: " ").last
    let frequency = rough.flatMap { Int($0) } ?? 0
    #expect((900...1100).contains(frequency), "\(result.output)")
    #expect(result.output.contains("Samples read:             16000"))
  }

  @Test("wss_pcmu: rtpulaw --decode agrees with sox -t ul on rtpjb's payload")
  func corpus() throws {
    let file = Self.corpus.appendingPathComponent("wss_pcmu.pcap").path
    guard FileManager.default.fileExists(atPath: file) else {
      print("skipped: no corpus file at \(file)")
      return
    }
    let dir = Shell.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let result = Shell.run(
      "rtpjb --output payload < \(file) > payload && rtpulaw --decode < payload > ours.wav"
        + " && sox -t ul -r 8000 -c 1 payload -t s16 theirs.raw && sox ours.wav -t s16 ours.raw"
        + " && cmp ours.raw theirs.raw && wc -c < ours.raw", in: dir)
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.output == "\(425 * 160 * 2)\n")
  }

  @Test("a 44.1 kHz WAV into --encode: exit 65, naming rtpresample")
  func wrongRate() throws {
    let dir = Shell.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let result = Shell.run(
      "sox -n -r 44100 -c 2 -b 16 m.wav synth 0.2 sine 440 && rtpulaw --encode m.wav > out",
      in: dir)
    #expect(result.status == 65)
    #expect(
      result.stderr
        == "rtpulaw: m.wav: input is 44100 Hz; G.711 is 8000 Hz: pipe through rtpresample --rate 8000\n"
    )
    let fixed = Shell.run(
      "rtpresample --rate 8000 m.wav | rtpulaw --encode | wc -c", in: dir)
    #expect(fixed.status == 0 && fixed.output == "1600\n", "\(fixed.stderr)")
  }

  @Test("raw 16-bit input, stereo, mixed and one channel")
  func rawInput() throws {
    let left: [Int16] = (0..<8000).map { Int16(truncatingIfNeeded: $0 * 13) }
    let right: [Int16] = (0..<8000).map { Int16(truncatingIfNeeded: $0 * -7 + 100) }
    let interleaved = zip(left, right).flatMap { [$0, $1] }
    let second = Shell.run(
      "rtpulaw --encode --encoding s16le --rate 8000 --channels 2 --channel 2",
      input: AudioTool.bytes(interleaved))
    #expect(second.status == 0, "\(second.stderr)")
    #expect([UInt8](second.stdout) == right.map(G711.ulawEncode))
    let mixed = Shell.run(
      "rtpulaw --encode --encoding s16le --rate 8000 --channels 2",
      input: AudioTool.bytes(interleaved))
    let mean = zip(left, right).map { (a, b) -> UInt8 in
      let sum = Int32(a) + Int32(b)
      return G711.ulawEncode(Int16(sum >= 0 ? (sum + 1) / 2 : (sum - 1) / 2))
    }
    #expect([UInt8](mixed.stdout) == mean)
  }

  @Test("bad input: one line, exit 65, every whole sample before it written")
  func badInput() throws {
    let dir = Shell.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let all = Self.everySample(in: dir)
    let encoded = all.map(G711.ulawEncode)
    // Truncated: 1000 samples and a half.
    let truncated = Shell.run("head -c \(44 + 2001) all.wav | rtpulaw --encode", in: dir)
    #expect(truncated.status == 65)
    #expect(truncated.stderr.hasPrefix("rtpulaw: stdin: byte 2045, frame 1000: data ends early"))
    #expect(truncated.stderr.split(separator: "\n").count == 1)
    #expect([UInt8](truncated.stdout) == Array(encoded.prefix(1000)))
    // Sizes that lie: the RIFF chunk ends 600 samples into a data chunk that claims more.
    var lying = [UInt8](try Data(contentsOf: dir.appendingPathComponent("all.wav")))
    let riff = UInt32(36 + 1200)
    withUnsafeBytes(of: riff.littleEndian) { lying.replaceSubrange(4..<8, with: $0) }
    let lie = Shell.run("rtpulaw --encode", input: Data(lying))
    #expect(lie.status == 65)
    #expect(lie.stderr.hasPrefix("rtpulaw: stdin: byte 1244, frame 600: "), "\(lie.stderr)")
    #expect([UInt8](lie.stdout) == Array(encoded.prefix(600)))
    // An odd byte count in 16-bit raw input.
    let odd = Shell.run(
      "head -c 2001 all.raw | rtpulaw --encode --encoding s16le --rate 8000", in: dir)
    #expect(odd.status == 65)
    #expect(
      odd.stderr
        == "rtpulaw: stdin: byte 2000, frame 1000: data ends with 1 bytes of a 2-byte frame\n")
    #expect([UInt8](odd.stdout) == Array(encoded.prefix(1000)))
    // An encoding nobody decodes: WAV format tag 0x1234.
    var unknown = Array(lying.prefix(44 + 200))
    unknown.replaceSubrange(4..<8, with: [UInt8](repeating: 0xFF, count: 4))
    unknown.replaceSubrange(20..<22, with: [0x34, 0x12])
    let strange = Shell.run("rtpulaw --encode", input: Data(unknown))
    #expect(strange.status == 65)
    #expect(strange.stderr.hasPrefix("rtpulaw: stdin: byte 20: unsupported encoding"))
    #expect(strange.stdout.isEmpty)
    // Not an audio file, for --encode (--decode would read it as raw G.711).
    let text = Shell.run("echo 'hello, this is not audio' | rtpulaw --encode")
    #expect(text.status == 65 && text.stderr.hasPrefix("rtpulaw: stdin: byte 0: not a known"))
    // 16-bit audio into --decode.
    let pcm = Shell.run("rtpulaw --decode all.wav", in: dir)
    #expect(pcm.status == 65 && pcm.stderr.contains("not G.711"), "\(pcm.stderr)")
  }

  @Test("usage errors 64, a missing file 66, /dev/full 74, a closed pipe quietly 0")
  func failures() throws {
    for arguments in [
      "", "--encode --decode", "--encode --encoding s16le --rate 0",
      "--encode --encoding s16le --rate 8000 --channels 100000", "--decode --rate 0",
      "--decode --channels 0", "--encode --law x", "--encode --encoding s24", "--decode --wav",
      "--encode --raw", "--encode --rate 8000", "--decode --channel 0",
    ] {
      let result = Shell.run("rtpulaw \(arguments) < /dev/null")
      #expect(result.status == 64, "\(arguments)")
      #expect(
        result.stderr.hasPrefix("rtpulaw: ") && result.stderr.split(separator: "\n").count == 1)
    }
    let channel = Shell.run(
      "sox -V1 -n -r 8000 -c 2 -t wav - synth 0.1 sine 300 | rtpulaw --encode --channel 3")
    #expect(
      channel.status == 64 && channel.stderr == "rtpulaw: stdin: no channel 3: the input has 2\n")
    let missing = Shell.run("rtpulaw --decode /nonexistent/file")
    #expect(missing.status == 66)
    #expect(missing.stderr == "rtpulaw: /nonexistent/file: no such file or directory\n")
    let full = Shell.run("head -c 100000 /dev/zero | rtpulaw --decode > /dev/full")
    #expect(full.status == 74)
    #expect(full.stderr.hasPrefix("rtpulaw: stdout: write failed at byte 0: "))
    let dir = Shell.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let closed = Shell.run(
      "head -c 20000000 /dev/zero > z; { rtpulaw --decode < z; echo $? > status; } | head -c 10 > /dev/null;"
        + " cat status", in: dir)
    #expect(closed.output == "0\n")
    #expect(closed.stderr.isEmpty)
  }
}
