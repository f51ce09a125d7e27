import Foundation
import RTPCore
import Testing

@testable import RTPAudio

@Suite("G.711 as ITU-T G.191 computes it")
struct G711Tests {
  @Test(
    "µ-law encodes reference points",
    arguments: [
      (Int16(0), UInt8(0xFF)), (-1, 0x7F), (1, 0xFF), (4, 0xFE), (-5, 0x7E), (32767, 0x80),
      (-32768, 0x00), (1000, 0xCE), (-1000, 0x4E),
    ])
  func ulawEncode(sample: Int16, code: UInt8) {
    #expect(G711.ulawEncode(sample) == code)
  }

  @Test(
    "A-law encodes reference points",
    arguments: [
      (Int16(0), UInt8(0xD5)), (-1, 0x55), (32767, 0xAA), (-32768, 0x2A), (1000, 0xFA),
      (-1000, 0x7A),
    ])
  func alawEncode(sample: Int16, code: UInt8) {
    #expect(G711.alawEncode(sample) == code)
  }

  @Test("Decoding then encoding gives every code back (µ-law's negative zero aside)")
  func roundTrip() {
    for code in UInt8.min...UInt8.max {
      if code != 0x7F { #expect(G711.ulawEncode(G711.ulawDecode(code)) == code) }
      #expect(G711.alawEncode(G711.alawDecode(code)) == code)
    }
  }

  @Test("Decoders give the standard end points")
  func decodeEnds() {
    #expect(G711.ulawDecode(0x00) == -32124)
    #expect(G711.ulawDecode(0x80) == 32124)
    #expect(G711.ulawDecode(0xFF) == 0)
    #expect(G711.alawDecode(0xD5) == 8)
    #expect(G711.alawDecode(0xAA) == 32256)
    #expect(G711.alawDecode(0x2A) == -32256)
  }

  @Test("Encoding is monotonic over all 65,536 inputs")
  func monotonic() {
    var previousU = Int(G711.ulawDecode(G711.ulawEncode(.min)))
    var previousA = Int(G711.alawDecode(G711.alawEncode(.min)))
    for sample in Int16.min...Int16.max {
      let u = Int(G711.ulawDecode(G711.ulawEncode(sample)))
      let a = Int(G711.alawDecode(G711.alawEncode(sample)))
      #expect(u >= previousU)
      #expect(a >= previousA)
      previousU = u
      previousA = a
    }
  }
}

@Suite("G.711 bulk coding")
struct G711BulkTests {
  @Test(
    "Bulk encoding equals the scalar encoder on all 65,536 inputs, both laws",
    arguments: G711Law.allCases)
  func encodeAll(law: G711Law) {
    // Offset by 3 so that the vector loop and the scalar tail both see every input.
    let samples = (0..<65_539).map { Int16(truncatingIfNeeded: $0 &- 32_768) }
    var codes = [UInt8](repeating: 0, count: samples.count)
    samples.withUnsafeBufferPointer { input in
      codes.withUnsafeMutableBytes { G711.encode(law, input, into: $0) }
    }
    for (sample, code) in zip(samples, codes) {
      let expected = law == .ulaw ? G711.ulawEncode(sample) : G711.alawEncode(sample)
      #expect(code == expected, "\(sample)")
      if code != expected { break }
    }
  }

  @Test(
    "Bulk decoding equals the scalar decoder on every pair of codes, at odd offsets and lengths",
    arguments: G711Law.allCases)
  func decodeAll(law: G711Law) {
    // Every ordered pair of codes (the decoder looks two up at once), then one more code.
    let codes: [UInt8] = (0..<65_536).flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] } + [0x5A]
    let scalar = codes.map { law == .ulaw ? G711.ulawDecode($0) : G711.alawDecode($0) }
    for start in [0, 1] {
      let input = Array(codes[start...])
      var samples = [Int16](repeating: 0, count: input.count + 1)
      input.withUnsafeBytes { input in
        samples.withUnsafeMutableBufferPointer {
          // From the second sample too, so that the pairs land at odd addresses.
          G711.decode(law, input, into: UnsafeMutableBufferPointer(rebasing: $0[start...]))
        }
      }
      #expect(Array(samples[start..<(start + input.count)]) == Array(scalar[start...]))
    }
  }
}

/// An independent statement of ITU-T G.191's G.711 encoders (g711.c), written from the
/// standard's description with segment end-point tables rather than the shifts the library uses.
private enum G191Reference {
  static let ulawSegmentEnds: [Int] = [0x3F, 0x7F, 0xFF, 0x1FF, 0x3FF, 0x7FF, 0xFFF, 0x1FFF]
  static let alawSegmentEnds: [Int] = [0xF, 0x1F, 0x3F, 0x7F, 0xFF, 0x1FF, 0x3FF, 0x7FF]

  static func ulaw(_ sample: Int16) -> UInt8 {
    let linear = Int(sample)
    // G.191 takes 14 bits and, for negative values, the one's complement.
    var magnitude = linear < 0 ? (-linear - 1) >> 2 : linear >> 2
    magnitude = min(magnitude, 8158) + 33
    let segment = ulawSegmentEnds.firstIndex { magnitude <= $0 }!
    let mantissa = (magnitude >> (segment + 1)) & 0x0F
    let code = ((segment << 4) | mantissa) ^ 0x7F
    return UInt8(linear >= 0 ? code | 0x80 : code)
  }

  static func alaw(_ sample: Int16) -> UInt8 {
    let linear = Int(sample)
    let magnitude = linear < 0 ? (-linear - 1) >> 4 : linear >> 4
    let segment = alawSegmentEnds.firstIndex { magnitude <= $0 }!
    let mantissa = segment == 0 ? magnitude & 0x0F : (magnitude >> (segment - 1)) & 0x0F
    let code = (segment << 4) | mantissa
    return UInt8((linear >= 0 ? code | 0x80 : code) ^ 0x55)
  }
}

@Suite("G.711 against references")
struct G711ReferenceTests {
  @Test("µ-law and A-law encoders equal G.191 on all 65,536 inputs")
  func encodersEqualG191() {
    var ulawMismatches = 0
    var alawMismatches = 0
    for sample in Int16.min...Int16.max {
      if G711.ulawEncode(sample) != G191Reference.ulaw(sample) { ulawMismatches += 1 }
      if G711.alawEncode(sample) != G191Reference.alaw(sample) { alawMismatches += 1 }
    }
    #expect(ulawMismatches == 0)
    #expect(alawMismatches == 0)
  }

  @Test("Decoders equal Python's audioop on all 256 codes")
  func decodersEqualAudioop() throws {
    let script = """
      import audioop, sys
      codes = bytes(range(256))
      sys.stdout.write(audioop.ulaw2lin(codes, 2).hex() + "\\n" + audioop.alaw2lin(codes, 2).hex())
      """
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["python3", "-c", script]
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = FileHandle.nullDevice
    do { try process.run() } catch {
      print("skipped: python3 is not available")
      return
    }
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    guard process.terminationStatus == 0 else {
      print("skipped: python3 has no audioop module")
      return
    }
    let lines = String(decoding: data, as: UTF8.self).split(separator: "\n")
    try #require(lines.count == 2)
    func samples(_ hex: Substring) -> [Int16] {
      let bytes = stride(from: 0, to: hex.count, by: 2).map { offset -> UInt8 in
        let start = hex.index(hex.startIndex, offsetBy: offset)
        return UInt8(hex[start..<hex.index(start, offsetBy: 2)], radix: 16)!
      }
      return stride(from: 0, to: bytes.count, by: 2).map {
        Int16(bitPattern: UInt16(bytes[$0]) | UInt16(bytes[$0 + 1]) << 8)
      }
    }
    #expect(samples(lines[0]) == (0...255).map { G711.ulawDecode(UInt8($0)) })
    #expect(samples(lines[1]) == (0...255).map { G711.alawDecode(UInt8($0)) })
  }
}
