import Foundation
import RTPCore
import SystemPackage
import Testing

@testable import RTPAudio

/// sox makes the files and decodes them to raw 16-bit samples; the reader must agree, from a
/// file and from a pipe (where sox writes a streaming header).
@Suite("AudioReader against sox", .enabled(if: AudioTest.hasSox))
struct AudioReaderTests {
  let directory = AudioTest.directory()

  /// Makes `name` with `sox -n <options> name synth ...` and returns its path.
  func make(_ name: String, _ options: String, seconds: String = "0.5") -> String {
    let path = directory.appendingPathComponent(name).path
    let status = AudioTest.shell(
      "sox -n \(options) '\(path)' synth \(seconds) sine 440 sine 1234 sine 300 gain -1"
    ).status
    #expect(status == 0, "sox could not make \(name)")
    return path
  }

  /// sox's decoding of `path` to interleaved 16-bit samples, without dither.
  func oracle(_ path: String) -> [Int16] {
    AudioTest.samples(AudioTest.shell("sox -D '\(path)' -b 16 -e signed -t raw -").stdout)
  }

  /// Checks the reader gives sox's samples for `path`, from the file and through a pipe of the
  /// same audio as sox streams it (`-t <type> -`).
  func check(_ path: String, channels: Int, pipeType: String?, rate: Int = 8000) throws {
    let expected = oracle(path)
    #expect(expected.count > 1000)
    let fromFile = try AudioTest.readFile(path)
    #expect(fromFile.error == nil)
    #expect(fromFile.format?.channels == channels)
    #expect(fromFile.format?.sampleRate == rate)
    #expect(fromFile.samples == AudioTest.mix(expected, channels: channels))
    for channel in 1...channels {
      let picked = try AudioTest.readFile(path, channels: .channel(channel))
      #expect(picked.samples == AudioTest.pick(expected, channel: channel - 1, of: channels))
    }
    if let pipeType {
      // sox re-encodes into the same format on the pipe, with a streaming header.
      let fromPipe = try AudioTest.readPipe("sox '\(path)' -t \(pipeType) -")
      #expect(fromPipe.error == nil)
      #expect(fromPipe.samples == AudioTest.mix(expected, channels: channels))
      let catPipe = try AudioTest.readPipe("cat '\(path)'", capacity: 4096)
      #expect(catPipe.error == nil)
      #expect(catPipe.samples == fromFile.samples)
    }
  }

  @Test("16-bit WAV, mono and stereo, mixed and each channel")
  func pcm16() throws {
    try check(make("m.wav", "-r 8000 -c 1 -b 16"), channels: 1, pipeType: "wav")
    try check(make("s.wav", "-r 8000 -c 2 -b 16"), channels: 2, pipeType: "wav")
    try check(make("s48.wav", "-r 48000 -c 2 -b 16"), channels: 2, pipeType: "wav", rate: 48000)
  }

  @Test("WAVE_FORMAT_EXTENSIBLE: 3 channels, 24-bit stereo")
  func extensible() throws {
    let three = make("3.wav", "-r 8000 -c 3 -b 16")
    #expect(try Array(Data(contentsOf: URL(fileURLWithPath: three)))[20..<22] == [0xFE, 0xFF])
    try check(three, channels: 3, pipeType: "wav")
    try check(make("24s.wav", "-r 8000 -c 2 -b 24"), channels: 2, pipeType: "wav")
  }

  @Test("8-, 24-, 32-bit PCM and float WAV, reduced to 16 bits as sox does")
  func widths() throws {
    try check(make("8.wav", "-r 8000 -c 1 -b 8"), channels: 1, pipeType: "wav")
    try check(make("24.wav", "-r 8000 -c 1 -b 24"), channels: 1, pipeType: "wav")
    try check(make("32.wav", "-r 8000 -c 1 -b 32"), channels: 1, pipeType: "wav")
    try check(make("f32.wav", "-r 8000 -c 1 -e float -b 32"), channels: 1, pipeType: "wav")
    try check(make("f64.wav", "-r 8000 -c 2 -e float -b 64"), channels: 2, pipeType: "wav")
  }

  @Test("µ-law and A-law WAV: samples decoded bit-exactly, octets as stored")
  func companded() throws {
    for (name, encoding, law) in [
      ("u.wav", "u-law", AudioEncoding.ulaw), ("a.wav", "a-law", .alaw),
    ] {
      let path = make(name, "-r 8000 -c 1 -e \(encoding)")
      try check(path, channels: 1, pipeType: "wav")
      let stereo = make("2" + name, "-r 8000 -c 2 -e \(encoding)")
      try check(stereo, channels: 2, pipeType: "wav")
      let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
      let stored = Array(bytes[58...])  // sox: 58-byte header with fmt (18) and fact chunks
      for command in ["cat '\(path)'", "sox '\(path)' -t wav -"] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", command]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let reader = try AudioReader(
          fileDescriptor: FileDescriptor(rawValue: output.fileHandleForReading.fileDescriptor))
        #expect(reader.format == AudioFormat(sampleRate: 8000, channels: 1, encoding: law))
        var octets: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 777)
        while true {
          let count = try buffer.withUnsafeMutableBytes { try reader.readEncoded(into: $0) }
          if count == 0 { break }
          octets += buffer[0..<count]
        }
        process.waitUntilExit()
        #expect(octets == stored)
      }
      let decoded = stored.map { law == .ulaw ? G711.ulawDecode($0) : G711.alawDecode($0) }
      #expect(try AudioTest.readFile(path).samples == decoded)
    }
  }

  @Test("AU, AIFF, FLAC through libsndfile, from a file and spooled from a pipe")
  func libsndfileFormats() throws {
    try check(make("x.au", "-r 8000 -c 1 -e signed -b 16"), channels: 1, pipeType: "au")
    try check(make("x.aiff", "-r 8000 -c 2 -b 16"), channels: 2, pipeType: "aiff")
    try check(make("x.flac", "-r 16000 -c 2 -b 16"), channels: 2, pipeType: "flac", rate: 16000)
    try check(make("x.aifc", "-r 8000 -c 1 -b 16"), channels: 1, pipeType: nil)
    let au = make("u.au", "-r 8000 -c 1 -e u-law")
    try check(au, channels: 1, pipeType: "au")
    let reader = try AudioReader(fileDescriptor: try FileDescriptor.open(au, .readOnly))
    #expect(reader.format.encoding == .ulaw)
    #expect(reader.formatName.contains("AU"))
    var octets = [UInt8](repeating: 0, count: 100)
    let count = try octets.withUnsafeMutableBytes { try reader.readEncoded(into: $0) }
    #expect(count == 100)
    #expect(octets.map(G711.ulawDecode) == Array(oracle(au).prefix(100)))
  }

  @Test("An ADPCM WAV goes to libsndfile, from a file and from a pipe, the same")
  func adpcmFallback() throws {
    let path = make("ima.wav", "-r 8000 -c 1 -e ima-adpcm")
    let fromFile = try AudioTest.readFile(path)
    #expect(fromFile.error == nil)
    #expect(fromFile.samples.count > 3000)
    let fromPipe = try AudioTest.readPipe("cat '\(path)'")
    #expect(fromPipe.error == nil)
    #expect(fromPipe.samples == fromFile.samples)
  }

  @Test("Raw s16le, µ-law and A-law, told the format")
  func raw() throws {
    let path = make("r.wav", "-r 8000 -c 2 -b 16")
    let expected = oracle(path)
    let s16 = try AudioTest.readPipe(
      "sox '\(path)' -t s16 -", raw: AudioFormat(sampleRate: 8000, channels: 2))
    #expect(s16.error == nil)
    #expect(s16.samples == AudioTest.mix(expected, channels: 2))
    let second = try AudioTest.readPipe(
      "sox '\(path)' -t s16 -", raw: AudioFormat(sampleRate: 8000, channels: 2),
      channels: .channel(2))
    #expect(second.samples == AudioTest.pick(expected, channel: 1, of: 2))
    for (type, encoding) in [("ul", AudioEncoding.ulaw), ("al", .alaw)] {
      let octets = AudioTest.shell("sox '\(path)' -c 1 -t \(type) -").stdout
      let result = try AudioTest.readBytes(
        octets, raw: AudioFormat(sampleRate: 8000, encoding: encoding))
      let decoded = octets.map { encoding == .ulaw ? G711.ulawDecode($0) : G711.alawDecode($0) }
      #expect(result.file.error == nil && result.pipe.error == nil)
      #expect(result.file.samples == decoded)
      #expect(result.pipe.samples == decoded)
    }
  }

  @Test("Streaming headers: 0xFFFFFFFF and 0 sizes read to the end of the input")
  func streamingSizes() throws {
    let samples: [Int16] = (0..<1001).map { Int16(truncatingIfNeeded: $0 * 37) }
    for (riff, data) in [(UInt32.max, UInt32.max), (0, 0), (0x7FFF_F024, 0x7FFF_F000)] {
      let bytes = AudioTest.wavHeader(riffSize: riff, dataSize: data) + AudioTest.bytes(samples)
      let result = try AudioTest.readBytes(bytes)
      #expect(result.file.error == nil)
      #expect(result.file.samples == samples)
      #expect(result.pipe.samples == samples)
    }
  }

  @Test("A channel the input lacks is a usage error")
  func noSuchChannel() throws {
    let result = try AudioTest.readFile(make("c.wav", "-r 8000 -c 2 -b 16"), channels: .channel(3))
    #expect(result.error == .noSuchChannel(requested: 3, channels: 2))
    #expect(result.error?.isUsageError == true)
    let zero = try AudioTest.readFile(make("d.wav", "-r 8000 -c 1 -b 16"), channels: .channel(0))
    #expect(zero.error == .noSuchChannel(requested: 0, channels: 1))
  }
}
