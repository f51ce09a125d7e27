// RTPIO: tell what an input is from its first bytes, as every tool does before reading it.
import RTPCore

let samples: [(String, [UInt8])] = [
  ("pcap", [0xD4, 0xC3, 0xB2, 0xA1, 2, 0, 4, 0, 0, 0, 0, 0]),
  ("pcapng", [0x0A, 0x0D, 0x0D, 0x0A, 0x1C, 0, 0, 0, 0x4D, 0x3C, 0x2B, 0x1A]),
  ("gzip", [0x1F, 0x8B, 8, 0, 0, 0, 0, 0, 0, 3, 0, 0]),
  ("WAV", Array("RIFF\u{24}\0\0\0WAVE".utf8)),
  ("raw", [0xFF, 0xFE, 0x7F, 0x00, 1, 2, 3, 4, 5, 6, 7, 8]),
]
for (name, head) in samples {
  let content = head.withUnsafeBytes { InputContent.identify($0) }
  let what = content.map { "\($0)" } ?? "not a known format"
  print(
    "\(name): \(what) (capture: \(content?.isCapture ?? false),",
    "compressed: \(content?.isCompressed ?? false))")
}
