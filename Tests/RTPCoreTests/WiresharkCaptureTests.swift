import Foundation
import RTPCore
import Testing

/// Captures written by Wireshark's own tools, read back through ``DatagramReader``.
@Suite("Captures from text2pcap and editcap")
struct WiresharkCaptureTests {
  static let payloads = (1...5).map { CaptureBytes.rtp(sequence: UInt16($0)) }

  static let variants: [(String, [String], [String], String)] = [
    ("pcap ethernet IPv4", ["-F", "pcap", "-4", "10.0.0.1,10.0.0.2"], [], "10.0.0.1"),
    ("pcapng ethernet IPv6", ["-n", "-6", "2001:db8::1,2001:db8::2"], [], "2001:db8::1"),
    (
      "nanosecond pcap", ["-F", "pcap", "-4", "10.0.0.1,10.0.0.2"], ["-F", "nsecpcap"], "10.0.0.1"
    ),
    ("pcap to pcapng", ["-F", "pcap", "-4", "10.0.0.1,10.0.0.2"], ["-F", "pcapng"], "10.0.0.1"),
    ("raw IPv4", ["-F", "pcap", "-E", "rawip4", "-4", "10.0.0.1,10.0.0.2"], [], "10.0.0.1"),
    (
      "raw IP (101) IPv6", ["-F", "pcap", "-l", "101", "-6", "2001:db8::1,2001:db8::2"], [],
      "2001:db8::1"
    ),
    (
      "raw IPv6 (229)", ["-F", "pcap", "-E", "rawip6", "-6", "2001:db8::1,2001:db8::2"], [],
      "2001:db8::1"
    ),
  ]

  @Test("text2pcap and editcap captures decode to the payloads given", arguments: variants)
  func wiresharkCapture(
    name: String, text2pcapArguments: [String], editcapArguments: [String], source: String
  ) throws {
    guard WiresharkTools.available else {
      print("skipped \(name): text2pcap or editcap is not installed")
      return
    }
    var capture = try WiresharkTools.text2pcap(
      text2pcapArguments + ["-u", "5004,5006"], packets: Self.payloads)
    if !editcapArguments.isEmpty {
      capture = try WiresharkTools.editcap(editcapArguments, capture: capture)
    }
    let result = try TestInput.datagrams(capture)
    #expect(result.error == nil, "\(name)")
    #expect(result.datagrams.map(\.payload) == Self.payloads, "\(name)")
    #expect(result.datagrams.first?.source.description.contains(source) == true, "\(name)")
    #expect(result.datagrams.first?.destination.port == 5006, "\(name)")
    #expect(result.skipped.total == 0, "\(name)")
  }

  @Test("editcap -T relabels the link type and the decoder follows the label")
  func relabelledLinkType() throws {
    guard WiresharkTools.available else {
      print("skipped: text2pcap or editcap is not installed")
      return
    }
    let raw = try WiresharkTools.text2pcap(
      ["-F", "pcap", "-l", "101", "-4", "10.0.0.1,10.0.0.2", "-u", "1,2"],
      packets: Self.payloads)
    #expect(try TestInput.records(raw).records.first?.linkType == .raw)
    let relabelled = try WiresharkTools.editcap(["-T", "rawip4"], capture: raw)
    let records = try TestInput.records(relabelled)
    #expect(records.records.first?.linkType == .ipv4)
    #expect(try TestInput.datagrams(relabelled).datagrams.map(\.payload) == Self.payloads)
  }
}
