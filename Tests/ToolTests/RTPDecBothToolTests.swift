import Foundation
import Testing

/// `rtpdec --both` and `--call N`: the two directions of a call as the two channels of one
/// file, placed by capture time, silence where a direction is quiet or absent.
@Suite("rtpdec --both and --call: a call as stereo")
struct RTPDecBothToolTests {
  /// The channels of 16-bit stereo raw samples.
  static func channels(_ data: Data) -> (left: [Int16], right: [Int16]) {
    let samples = AudioTool.samples(data)
    let left = stride(from: 0, to: samples.count - 1, by: 2).map { samples[$0] }
    let right = stride(from: 1, to: samples.count, by: 2).map { samples[$0] }
    return (left, right)
  }

  @Test("Two directions starting half a second apart land half a second apart, each whole")
  func aligned() throws {
    let dir = Shell.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let made = Shell.run(
      """
      rtpgen --codec pcmu --tone 440 --duration 2 --src 10.0.0.1:4000 --dst 10.0.0.2:5000 \
        --start 1000 --seed 1 > a.pcap
      rtpgen --codec pcma --tone 880 --duration 1 --src 10.0.0.2:5000 --dst 10.0.0.1:4000 \
        --start 1000.5 --seed 2 > b.pcap
      mergecap -F pcap -w call.pcap a.pcap b.pcap
      rtpdec --both --format raw call.pcap > both.raw
      rtpdec --format raw a.pcap > a.raw
      rtpdec --format raw b.pcap > b.raw
      """, in: dir)
    try #require(made.status == 0, "\(made.stderr)")
    let (left, right) = Self.channels(try Data(contentsOf: dir.appendingPathComponent("both.raw")))
    let a = AudioTool.samples(try Data(contentsOf: dir.appendingPathComponent("a.raw")))
    let b = AudioTool.samples(try Data(contentsOf: dir.appendingPathComponent("b.raw")))
    #expect(left.count == 16000)
    #expect(left == a)
    #expect(right[0..<4000].allSatisfy { $0 == 0 })
    #expect(Array(right[4000..<12000]) == b)
    #expect(right[12000...].allSatisfy { $0 == 0 })
    #expect(made.stderr.contains("channel 2: 10.0.0.2:5000 -> 10.0.0.1:4000"), "\(made.stderr)")
  }

  @Test("One direction alone: the other channel is silence, and said so")
  func oneDirection() throws {
    let run = Shell.run("rtpgen --tone 440 --duration 1 | rtpdec --both --format raw")
    #expect(run.status == 0, "\(run.stderr)")
    let (left, right) = Self.channels(run.stdout)
    #expect(left.count == 8000)
    #expect(right.allSatisfy { $0 == 0 })
    #expect(run.stderr.contains("no stream for channel 2: silence"), "\(run.stderr)")
  }

  @Test("The corpus SIP call as stereo: what the caller heard, then what the callee heard")
  func corpusCall() throws {
    guard let path = RTPJBToolTests.corpusFile("wss_cisco_sip_tcp_opus_h264.pcap") else { return }
    let run = Shell.run("rtpdec --call 1 --format raw '\(path)'")
    #expect(run.status == 0, "\(run.stderr)")
    let (left, right) = Self.channels(run.stdout)
    let caller = Shell.run("rtpdec --stream 5 --format raw '\(path)'")
    let heard = AudioTool.samples(caller.stdout)
    // Channel 1 is the RTP sent to the offer's address, from the call's first packet.
    #expect(Array(left.prefix(heard.count)) == heard)
    // Channel 2 starts 35.589 ms later in capture time: 1708 frames at 48 kHz.
    #expect(right[0..<1708].allSatisfy { $0 == 0 })
    #expect(right[1708...].contains { $0 != 0 })
    let refused = Shell.run("rtpdec --call 2 '\(path)' > /dev/null")
    #expect(refused.status == 65)
    #expect(refused.stderr.contains("the capture has 1 SIP calls"), "\(refused.stderr)")
  }

  @Test("--both and --call refuse what they cannot combine with, 64")
  func usage() {
    for options in ["--both --call 1", "--both --stream 1", "--call 1 --ssrc 5", "--both --events"]
    {
      let run = Shell.run("rtpdec \(options) /dev/null")
      #expect(run.status == 64, "\(options): \(run.stderr)")
    }
  }
}
