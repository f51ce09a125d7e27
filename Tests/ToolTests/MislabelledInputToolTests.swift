import Foundation
import Testing

/// Commands that used to exit 0 with wrong output: packets labelled with a codec their bytes
/// are not, a capture or a WAV taken as raw bytes, an empty capture from an empty input. Each now
/// gives right output, or one line and a non-zero status.
@Suite("Input and options that would give mislabelled or empty output are refused")
struct MislabelledInputToolTests {
  static let tshark = Shell.has("tshark")

  /// The lines of `text` that are not the `--stats` object.
  static func errorLines(_ text: String) -> [String] {
    text.split(separator: "\n").map(String.init).filter { !$0.hasPrefix("{") }
  }

  @Test(
    "rtpgen refuses a static payload type it cannot encode, naming the codec (64)",
    arguments: [(3, "GSM"), (4, "G723"), (9, "G722"), (18, "G729"), (5, "DVI4"), (13, "CN")])
  func unencodableStaticType(payloadType: Int, codec: String) {
    let result = Shell.run("rtpgen --pt \(payloadType) --tone 440 --count 2")
    #expect(result.status == 64, "\(result.stderr)")
    #expect(result.stdout.isEmpty)
    #expect(Self.errorLines(result.stderr).count == 1)
    #expect(result.stderr.hasPrefix("rtpgen: --pt \(payloadType) is \(codec), which rtpgen cannot"))
    // Where the codec layer has an encoder, the line says how to use it.
    let encodable = ["G722", "DVI4", "GSM", "G729"].contains(codec)
    #expect(result.stderr.contains("--codec \(codec.lowercased()) encodes audio") == encodable)
  }

  @Test(
    "rtpgen refuses options that contradict a static payload type (64)",
    arguments: [
      "--pt 8 --encoding pcmu", "--pt 0 --encoding l16", "--pt 11 --encoding pcma",
      "--pt 0 --rate 16000", "--pt 11 --rate 8000", "--pt 11 --channels 2", "--pt 10 --channels 1",
    ])
  func contradictions(options: String) {
    let result = Shell.run("rtpgen \(options) --count 1")
    #expect(result.status == 64, "\(options): \(result.stderr)")
    #expect(result.stdout.isEmpty)
    #expect(Self.errorLines(result.stderr).count == 1)
  }

  @Test(
    "rtpgen's matching options for a static type are accepted",
    arguments: [
      "--pt 0 --encoding pcmu --rate 8000", "--pt 8 --encoding pcma", "--pt 11 --channels 1",
      "--pt 10 --channels 2 --rate 44100", "--pt 96 --encoding pcma --rate 16000",
    ])
  func matching(options: String) {
    let result = Shell.run("rtpgen \(options) --count 1 --seed 1")
    #expect(result.status == 0, "\(options): \(result.stderr)")
    #expect(!result.stdout.isEmpty)
  }

  @Test("--pt 10 is L16 stereo at 44.1 kHz: 882 frames of 4 bytes, the tone in both channels")
  func stereoL16() throws {
    let dir = Shell.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let made = Shell.run(
      "rtpgen --pt 10 --tone 1000 --count 3 --seed 2 > s.pcap && rtpjb --output payload < s.pcap > s.l16",
      in: dir)
    #expect(made.status == 0, "\(made.stderr)")
    let payload = try [UInt8](Data(contentsOf: dir.appendingPathComponent("s.l16")))
    try #require(payload.count == 3 * 882 * 4)
    var loudest = 0
    for frame in 0..<(payload.count / 4) {
      let left = Int16(bitPattern: UInt16(payload[4 * frame]) << 8 | UInt16(payload[4 * frame + 1]))
      let right = Int16(
        bitPattern: UInt16(payload[4 * frame + 2]) << 8 | UInt16(payload[4 * frame + 3]))
      #expect(left == right, "frame \(frame)")
      loudest = max(loudest, abs(Int(left)))
    }
    #expect(loudest > 10_000)
    guard Self.tshark else { return }
    let fields = Shell.run(
      "tshark -n -r s.pcap -d udp.port==5004,rtp -T fields -e rtp.p_type -e udp.length"
        + " -e rtp.timestamp -E separator=,", in: dir)
    let rows = fields.lines.map { $0.split(separator: ",").map(String.init) }
    try #require(rows.count == 3)
    #expect(rows.allSatisfy { $0[0] == "10" && $0[1] == "\(8 + 12 + 882 * 4)" })
    #expect(UInt32(rows[1][2])! &- UInt32(rows[0][2])! == 882)
  }

  @Test("--channels 2 with raw stereo input: frames of 2 samples, the clock steps by frames")
  func stereoInput() throws {
    // 16 kHz stereo L16 for 20 ms: 320 frames of 4 bytes; a trailing half frame is an error.
    var bytes = [UInt8]()
    for index in 0..<(320 * 4 * 2) { bytes.append(UInt8(truncatingIfNeeded: index * 7 + 1)) }
    let whole = Shell.run(
      "rtpgen --pt 96 --rate 16000 --channels 2 --encoding l16 --seed 1 --stats > /dev/null",
      input: Data(bytes))
    #expect(whole.status == 0, "\(whole.stderr)")
    #expect(whole.stderr.contains("\"written\":2"))
    let ragged = Shell.run(
      "rtpgen --pt 96 --rate 16000 --channels 2 --encoding l16 --seed 1 > /dev/null",
      input: Data(bytes + [1, 2]))
    #expect(ragged.status == 65)
    #expect(ragged.stderr.contains("ends inside a 4-byte sample"), "\(ragged.stderr)")
  }

  @Test("An empty payload input is 65 with one line naming --silence and --tone")
  func emptyPayload() {
    let result = Shell.run("printf '' | rtpgen --count 5 --stats")
    #expect(result.status == 65, "\(result.stderr)")
    let lines = Self.errorLines(result.stderr)
    #expect(lines.count == 1)
    #expect(lines.first?.hasPrefix("rtpgen: stdin: the payload input ended before") == true)
    #expect(result.stderr.contains("--silence") && result.stderr.contains("--tone"))
    #expect(result.stderr.contains("\"written\":0"))
  }

  /// Files of other kinds: a capture in each format, a WAV file, a gzip-compressed capture.
  static let otherKinds: [(String, String)] = [
    ("rtpgen --count 3 --seed 1", "a pcap capture"),
    ("rtpgen --count 3 --seed 1 --format pcapng", "a pcapng capture"),
    ("rtpgen --count 3 --seed 1 --format rtpdump", "an rtpdump capture"),
    ("rtpgen --count 3 --seed 1 | gzip -c", "gzip-compressed data"),
    ("rtpgen --count 3 --seed 1 | rtpjb --output payload | rtpulaw --decode", "a WAV file"),
  ]

  @Test("rtpgen refuses a capture, a WAV or compressed data given as raw payload (65, a hint)")
  func capturesAsPayload() {
    for (make, kind) in Self.otherKinds {
      let result = Shell.run("\(make) | rtpgen --pt 0 --count 5")
      #expect(result.status == 65, "\(kind): \(result.stderr)")
      let lines = Self.errorLines(result.stderr)
      #expect(lines.count == 1, "\(kind): \(result.stderr)")
      #expect(
        lines.first?.hasPrefix("rtpgen: stdin: input is \(kind), not raw payload bytes: ") == true,
        "\(kind): \(result.stderr)")
    }
  }

  @Test("rtpulaw --decode refuses a capture or compressed data, saying what it is (65)")
  func capturesAsG711() {
    for (make, kind) in Self.otherKinds where kind != "a WAV file" {
      let result = Shell.run("\(make) | rtpulaw --decode")
      #expect(result.status == 65, "\(kind): \(result.stderr)")
      #expect(result.stdout.isEmpty, "\(kind)")
      let lines = Self.errorLines(result.stderr)
      #expect(lines.count == 1, "\(kind): \(result.stderr)")
      #expect(
        lines.first?.hasPrefix("rtpulaw: stdin: input is \(kind), not audio") == true,
        "\(kind): \(result.stderr)")
    }
    // A G.711 WAV is still decoded, and raw octets still are.
    let wav = Shell.run(
      "rtpgen --count 3 --seed 1 | rtpjb --output payload | rtpulaw --decode"
        + " | rtpulaw --encode --wav | rtpulaw --decode --raw | wc -c")
    #expect(wav.status == 0 && wav.output.trimmingCharacters(in: .whitespacesAndNewlines) == "960")
  }

  @Test(
    "rtpulaw --decode on empty input or a cut-off header is 65, not an empty WAV",
    arguments: [("printf ''", "empty input"), ("printf RIFF", "truncated header")])
  func emptyOrCutG711(make: String, reason: String) {
    let result = Shell.run("\(make) | rtpulaw --decode")
    #expect(result.status == 65, "\(result.stderr)")
    #expect(result.stdout.isEmpty)
    #expect(result.stderr.contains(reason), "\(result.stderr)")
    #expect(Self.errorLines(result.stderr).count == 1)
  }

  @Test(
    "A negative number for a numeric option says the value must be positive (64), every tool",
    arguments: [
      ("rtpgen", "--rate"), ("rtpgen", "--ptime"), ("rtpgen", "--count"), ("rtpgen", "--tone"),
      ("rtpgen", "--duration"), ("rtpgen", "--seed"), ("rtpjb", "--capacity"),
      ("rtpjb", "--stream"), ("rtpjb", "--max-delay"), ("rtpsend --to 127.0.0.1:9", "--speed"),
      ("rtpsend --to 127.0.0.1:9", "--loop"), ("rtpsend --to 127.0.0.1:9", "--streams"),
      ("rtprecv --listen 127.0.0.1:9", "--count"), ("rtprecv --listen 127.0.0.1:9", "--duration"),
      ("rtpulaw --decode", "--rate"), ("rtpresample", "--rate"),
      ("rtpresample --rate 8000", "--channel"),
    ])
  func negativeValue(tool: String, option: String) {
    let result = Shell.run("\(tool) \(option) -5 < /dev/null")
    let name = tool.split(separator: " ")[0]
    #expect(result.status == 64, "\(tool) \(option): \(result.stderr)")
    #expect(
      result.stderr == "\(name): \(option) must be positive, not -5 (see '\(name) --help')\n",
      "\(result.stderr)")
  }

  @Test(
    "--stats is printed when a tool fails early, with what was read",
    arguments: [
      ("rtpjb --stats < /dev/null", 65, #"{"read":0,"ready":0,"#),
      ("rtpgen --count 1 --seed 1 | rtpjb --stats", 65, #"{"read":1,"ready":0,"#),
      ("rtpgen --count 1 --seed 1 | rtpjb --list --stats", 65, #"{"read":1,"ready":0,"#),
      ("rtpgen --count 3 --seed 1 | rtpjb --ssrc 5 --stats", 65, #""otherStreams":3,"#),
      ("rtpstat --stats < /dev/null", 65, #"{"read":0,"streams":0,"packets":0,"#),
      ("printf '' | rtpgen --count 5 --stats", 65, #"{"written":0,"#),
      (
        "rtpgen --count 1 --pt 96 --seed 1 | rtpsend --stats --pace rtp --to 127.0.0.1:9", 65,
        #"{"read":1,"sent":0,"#
      ),
      ("rtpsend --stats --to nosuchhost.invalid:9 < /dev/null", 69, #"{"read":0,"sent":0,"#),
      ("rtpsend --stats --to 127.0.0.1:9 < /dev/null", 65, #"{"read":0,"sent":0,"#),
      ("rtprecv --stats --listen 192.0.2.1:5000", 69, #"{"received":0,"#),
    ])
  func statsOnFailure(command: String, status: Int32, stats: String) {
    let result = Shell.run("\(command) > /dev/null")
    #expect(result.status == status, "\(command): \(result.stderr)")
    #expect(result.stderr.contains(stats), "\(command): \(result.stderr)")
  }
}
