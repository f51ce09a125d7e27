import Testing

@testable import RTPCore

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
