import Testing

@testable import RTPCodecs

@Suite("Payload formats and --codec mappings")
struct PayloadFormatTests {
  @Test(
    "Mappings in SDP's rtpmap form are read",
    arguments: [
      ("111=opus/48000/2", 111, "opus", 48000, 2, ""),
      (
        "118=AMR/8000;octet-align=1; mode-set=0,2", 118, "AMR", 8000, 1,
        "octet-align=1;mode-set=0,2"
      ),
      ("101=telephone-event/8000;0-15", 101, "telephone-event", 8000, 1, "0-15"),
      (" 96 = L16/16000/2", 96, "L16", 16000, 2, ""),
    ])
  func parses(
    text: String, type: Int, name: String, rate: Int, channels: Int, parameters: String
  ) throws {
    let mapping = try PayloadTypeMapping(parsing: text)
    #expect(Int(mapping.payloadType) == type)
    #expect(mapping.format.encodingName == name)
    #expect(mapping.format.clockRate == rate)
    #expect(mapping.format.channels == channels)
    #expect(mapping.format.parameters.description == parameters)
  }

  @Test(
    "Malformed mappings are refused with a reason",
    arguments: [
      ("opus/48000", "expected PT="), ("128=opus/48000", "0 to 127"), ("96=opus", "NAME/RATE"),
      ("96=opus/0", "clock rate"), ("96=opus/48000/0", "channel count"),
      ("96=op us/8000", "letters"),
    ])
  func refuses(text: String, reason: String) {
    #expect {
      try PayloadTypeMapping(parsing: text)
    } throws: { error in
      "\(error)".contains(reason)
    }
  }

  @Test("Static types, the telephone-event convention and mappings resolve in that order")
  func map() throws {
    var map = PayloadTypeMap()
    #expect(map.format(for: 0)?.description == "PCMU/8000")
    #expect(map.format(for: 9)?.description == "G722/8000")
    #expect(map.format(for: 10)?.description == "L16/44100/2")
    #expect(map.format(for: 101)?.matches("TELEPHONE-EVENT") == true)
    #expect(map.format(for: 96) == nil)
    map.map([
      try PayloadTypeMapping(parsing: "0=L16/8000"),
      try PayloadTypeMapping(parsing: "96=opus/48000/2"),
    ])
    #expect(map.format(for: 0)?.matches("l16") == true)
    #expect(map.format(for: 96)?.clockRate == 48000)
    #expect(map.format(for: 96)?.parameters["STEREO"] == nil)
  }

  @Test("Format parameters are looked up without regard to case")
  func parameters() {
    let parameters = FormatParameters(parsing: "Octet-Align=1;mode-set=0,2,5;useinbandfec=1")
    #expect(parameters["octet-align"] == "1")
    #expect(parameters.integer("USEINBANDFEC") == 1)
    #expect(parameters["mode-set"] == "0,2,5")
    #expect(parameters["ptime"] == nil)
  }
}
