import Foundation
import Testing

/// Every tool's man page against its `--help`: the same options, so the two cannot drift.
@Suite("Manual pages")
struct ManualTests {
  static let pages = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("man/man1")

  /// The options a page documents in its `.It Fl …` lines: `Fl \-ssrc` is --ssrc, `Fl o` is -o.
  static func documentedOptions(of tool: String) throws -> Set<String> {
    let text = try String(
      contentsOf: pages.appendingPathComponent("\(tool).1"), encoding: .utf8)
    var options = Set<String>()
    for line in text.split(separator: "\n") where line.hasPrefix(".It Fl ") {
      for part in line.split(separator: ",") {
        let words = part.split(separator: " ")
        if let index = words.firstIndex(of: "Fl"), index + 1 < words.count {
          options.insert("-" + words[index + 1].replacingOccurrences(of: "\\-", with: "-"))
        }
      }
    }
    return options
  }

  /// The options `tool --help` lists: the words of each option line's first column (its
  /// description, after two spaces, can mention other options).
  static func listedOptions(of tool: String) -> Set<String> {
    var options = Set<String>()
    for line in Shell.run("\(tool) --help").lines where line.hasPrefix("  -") {
      let column = line.dropFirst(2).components(separatedBy: "  ").first ?? ""
      for word in column.split(separator: " ") where word.hasPrefix("-") {
        options.insert(String(word.trimmingCharacters(in: CharacterSet(charactersIn: ","))))
      }
    }
    return options
  }

  @Test(
    "Each man page lists exactly the options --help lists",
    arguments: [
      "rtpgen", "rtpjb", "rtpulaw", "rtpresample", "rtpsend", "rtprecv", "rtpstat", "rtpdec",
    ])
  func options(tool: String) throws {
    let listed = Self.listedOptions(of: tool)
    #expect(!listed.isEmpty)
    let documented = try Self.documentedOptions(of: tool)
    #expect(documented.subtracting(listed).isEmpty, "in the page, not in --help")
    #expect(listed.subtracting(documented).isEmpty, "in --help, not in the page")
  }
}
