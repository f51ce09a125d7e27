import Testing

@testable import RTPBase

@Suite("JSONText: the one JSON string escaper")
struct JSONTextTests {
  @Test(
    "Quotes, backslashes and control characters are escaped; the rest passes as is",
    arguments: [
      ("call.pcap", #""call.pcap""#),
      ("say \"hi\"", #""say \"hi\"""#),
      (#"C:\dir"#, #""C:\\dir""#),
      ("two\nlines", #""two\nlines""#),
      ("tab\there\u{1}\u{1F}", #""tab\u0009here\u0001\u001f""#),
      ("é → 🎵 \u{7F}", "\"é → 🎵 \u{7F}\""),
      ("", #""""#),
    ])
  func quoted(text: String, json: String) {
    #expect(JSONText.quoted(text) == json)
  }
}
