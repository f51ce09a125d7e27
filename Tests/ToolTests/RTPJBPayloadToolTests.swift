import Foundation
import Testing

/// `rtpjb --output payload`: one payload type's bytes, events and comfort noise counted apart,
/// and a G.711 byte stream as long as the stream's RTP span whatever the sender left out.
@Suite("rtpjb --output payload on the RTP timeline")
struct RTPJBPayloadToolTests {
  /// Talk, a CN packet and three RFC 4733 event packets in a two-second pause, then talk: the
  /// sequence numbers run on through the pause, the timestamps jump by it.
  static func pausedCall() -> [RTPCaptureBuilder.Packet] {
    let talk = RTPCaptureBuilder.pcmu(count: 20) { index in
      RTPCaptureBuilder.ulawTone(hertz: 440, start: index * 160, count: 160)
    }
    var pause = [
      RTPCaptureBuilder.Packet(
        sequence: 20, timestamp: 20 * 160, payloadType: 13, payload: [40],
        microseconds: 400_000)
    ]
    for index in 0..<3 {
      pause.append(
        RTPCaptureBuilder.Packet(
          sequence: UInt16(21 + index), timestamp: 20 * 160 + 4000, payloadType: 101,
          payload: [5, index == 2 ? 0x8A : 0x0A, 0x01, 0x40],
          microseconds: UInt64(900_000 + index * 20_000)))
    }
    var later = RTPCaptureBuilder.pcmu(count: 20) { index in
      RTPCaptureBuilder.ulawTone(hertz: 440, start: index * 160, count: 160)
    }
    for index in later.indices {
      later[index].sequence += 24
      later[index].timestamp += 20 * 160 + 16000
      later[index].microseconds += 2_400_000
    }
    return talk + pause + later
  }

  @Test("A pause with CN and events is filled with µ-law silence to the stream's RTP span")
  func pauseFilled() throws {
    let dir = Shell.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let path = try RTPDecToolTests.write(
      RTPCaptureBuilder.pcap(Self.pausedCall()), "paused.pcap", in: dir)
    let result = Shell.run("rtpjb --output payload --stats '\(path)'")
    #expect(result.status == 0, "\(result.stderr)")
    let bytes = [UInt8](result.stdout)
    #expect(bytes.count == 40 * 160 + 16000)
    #expect(bytes[(20 * 160)..<(20 * 160 + 16000)].allSatisfy { $0 == 0xFF })
    #expect(bytes.prefix(160) == RTPCaptureBuilder.ulawTone(hertz: 440, start: 0, count: 160)[...])
    let stats = RTPJBToolTests.stats(result)
    #expect(stats["eventPackets"] == 3)
    #expect(stats["comfortNoisePackets"] == 1)
    #expect(stats["otherPayloadTypePackets"] == 0)
    #expect(stats["payloadBytes"] == 40 * 160)
    #expect(stats["silenceBytes"] == 16000)
    // The byte stream and rtpdec's decode of the capture last the same.
    let decoded = Shell.run("rtpdec --plc silence '\(path)'")
    #expect(decoded.status == 0, "\(decoded.stderr)")
    let pcm = Shell.run("rtpjb --output payload '\(path)' | rtpulaw --decode")
    #expect(RTPDecToolTests.wavSamples(pcm.stdout).count == bytes.count)
    #expect(RTPDecToolTests.wavSamples(decoded.stdout).count == bytes.count)
  }

  @Test("Lost packets inside a pause are filled once, by the timestamps of the talk around it")
  func lossInPause() throws {
    let dir = Shell.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    // The CN packet and the first event are lost: an erasure the jitter buffer reports, inside
    // the RTP time the timestamps already say is missing.
    let packets = Self.pausedCall().filter { ![20, 21].contains($0.sequence) }
    let path = try RTPDecToolTests.write(RTPCaptureBuilder.pcap(packets), "lossy.pcap", in: dir)
    let result = Shell.run("rtpjb --output payload --stats '\(path)'")
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stdout.count == 40 * 160 + 16000)
    #expect(RTPJBToolTests.stats(result)["eventPackets"] == 2)
  }

  @Test("--pt writes the named payload type's bytes as they are, and only those")
  func chosenType() throws {
    let dir = Shell.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let path = try RTPDecToolTests.write(
      RTPCaptureBuilder.pcap(Self.pausedCall()), "paused.pcap", in: dir)
    let events = Shell.run("rtpjb --output payload --pt 101 --stats '\(path)'")
    #expect(events.status == 0, "\(events.stderr)")
    #expect([UInt8](events.stdout) == [5, 0x0A, 1, 0x40, 5, 0x0A, 1, 0x40, 5, 0x8A, 1, 0x40])
    #expect(events.stderr.contains("wrote payload type 101 only: 40 packets of other payload"))
    let refused = Shell.run("rtpjb --pt 0 '\(path)'")
    #expect(refused.status == 64)
    #expect(refused.stderr.contains("--pt applies to --output payload only"))
  }

  @Test("A stream of events only is one line and 65, not an empty file and 0")
  func eventsOnly() throws {
    let dir = Shell.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let events = Self.pausedCall().filter { $0.payloadType == 101 }
    let path = try RTPDecToolTests.write(RTPCaptureBuilder.pcap(events), "dtmf.pcap", in: dir)
    let result = Shell.run("rtpjb --output payload '\(path)'")
    #expect(result.status == 65)
    #expect(result.stdout.isEmpty)
    #expect(result.stderr.split(separator: "\n").count == 1)
    #expect(result.stderr.contains("holds only telephone events"))
  }

  @Test("A second audio payload type in the stream is left out, and said so on one line")
  func secondAudioType() throws {
    let dir = Shell.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    var packets = RTPCaptureBuilder.pcmu(count: 10) { _ in Array(repeating: 0x55, count: 160) }
    for index in 5..<10 { packets[index].payloadType = 8 }
    let path = try RTPDecToolTests.write(RTPCaptureBuilder.pcap(packets), "mixed.pcap", in: dir)
    let result = Shell.run("rtpjb --output payload --stats '\(path)'")
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stdout.count == 5 * 160)
    #expect(result.stderr.contains("wrote payload type 0 only: 5 packets of other payload types"))
    #expect(RTPJBToolTests.stats(result)["otherPayloadTypePackets"] == 5)
  }
}
