import Foundation
import Testing

/// AMR and AMR-WB end to end: the corpus call, GStreamer's streams received by rtprecv, and
/// rtpgen's streams decoded by GStreamer's amrnbdec and amrwbdec (the same opencore libraries).
@Suite("AMR and AMR-WB: rtpdec and rtpgen against GStreamer")
struct AMRToolTests {
  /// GStreamer's decode of the octet-aligned AMR (or AMR-WB) stream of payload type 96 in
  /// `capture`: 16-bit samples, or `nil` when gst-launch-1.0 is missing.
  static func gstreamerDecode(_ capture: String, wideband: Bool, in dir: URL) -> [Int16]? {
    guard Shell.has("gst-launch-1.0") else { return nil }
    let (rate, name, decoder) = wideband ? (16000, "AMR-WB", "amrwbdec") : (8000, "AMR", "amrnbdec")
    let run = Shell.run(
      "gst-launch-1.0 -q filesrc location='\(capture)' ! pcapparse ! 'application/x-rtp,"
        + "media=audio,clock-rate=\(rate),encoding-name=\(name),octet-align=(string)1,"
        + "payload=96' ! rtpamrdepay ! \(decoder) ! audio/x-raw,format=S16LE ! fdsink fd=1",
      in: dir)
    #expect(run.status == 0, "\(run.stderr)")
    return AudioTool.samples(run.stdout)
  }

  /// Whether `samples` (the part after the first quarter) is a 1 kHz tone with an RMS within
  /// 12% of `rms`.
  static func expectTone(_ samples: [Int16], rate: Int, rms: Double, _ what: String) {
    let tail = samples[(samples.count / 4)...]
    let crossings = RTPGenCodecToolTests.crossingsPerSecond(tail, rate: rate)
    #expect(abs(crossings - 2000) < 20, "\(what): \(crossings) crossings a second")
    let level = RTPDecToolTests.rms(tail)
    #expect(abs(level - rms) < rms * 0.12, "\(what): RMS \(level), wanted \(rms)")
  }

  @Test(
    "Every stream of the corpus AMR call decodes to its RTP span (bandwidth-efficient)",
    arguments: [
      // Stream, RTP span in samples (last timestamp - first + 160), packets after duplicates.
      (1, 137_920, 526), (2, 51_200, 246), (3, 56_320, 264), (4, 54_720, 279), (5, 9_760, 59),
      (6, 20_160, 120),
    ])
  func corpus(stream: Int, span: Int, packets: Int) throws {
    guard let path = RTPJBToolTests.corpusFile("hdiniz_sll_amrnb.pcap") else { return }
    let mapping = "--codec 118=AMR/8000 --codec 113=AMR/8000"
    let decoded = Shell.run("rtpdec --stream \(stream) \(mapping) --stats '\(path)'")
    #expect(decoded.status == 0, "\(decoded.stderr)")
    #expect(RTPDecToolTests.wavRate(decoded.stdout) == 8000)
    let samples = RTPDecToolTests.wavSamples(decoded.stdout)
    #expect(samples.count == span)
    let stats = RTPJBToolTests.stats(decoded)
    #expect(stats["decodedPackets"] == packets)
    #expect(stats["corrupt"] == 0)
    #expect(RTPDecToolTests.rms(samples[...]) > 100, "speech, not silence")
    // Read as octet-aligned, payloads whose table of contents then overruns them are corrupt:
    // counted, not decoded as noise.
    let wrong = Shell.run(
      "rtpdec --stream \(stream) --codec '118=AMR/8000;octet-align=1' "
        + "--codec '113=AMR/8000;octet-align=1' --stats '\(path)' > /dev/null")
    #expect((RTPJBToolTests.stats(wrong)["corrupt"] ?? 0) > packets / 5, "\(wrong.stderr)")
  }

  /// The speech bits of a single-frame bandwidth-efficient AMR payload from its second byte on
  /// (`frame`, as tshark's `amr.frame_data` shows it): they start 2 bits in, after the 4-bit CMR
  /// and the 6-bit TOC entry. Returned packed from the top bit, as the storage format holds them.
  static func storageBits(_ frame: [UInt8], bits: Int) -> [UInt8] {
    var packed = [UInt8](repeating: 0, count: (bits + 7) / 8)
    for index in 0..<bits {
      let source = index + 2
      guard source / 8 < frame.count else { break }
      if frame[source / 8] & (0x80 >> UInt8(source % 8)) != 0 {
        packed[index / 8] |= 0x80 >> UInt8(index % 8)
      }
    }
    return packed
  }

  @Test(
    "Corpus AMR streams decode as GStreamer's amrnbdec decodes tshark's parse of their frames",
    arguments: [
      (1, "0x0025b105", 118), (2, "0x710006b8", 118), (3, "0x00612603", 113),
      (4, "0x71008205", 113), (5, "0x40c1b512", 118), (6, "0x401dd106", 118),
    ])
  func corpusAgainstGStreamer(stream: Int, ssrc: String, payloadType: Int) throws {
    guard let path = RTPJBToolTests.corpusFile("hdiniz_sll_amrnb.pcap") else { return }
    guard Shell.has("tshark"), Shell.has("gst-launch-1.0") else {
      return print("skipped: no tshark or gst-launch-1.0")
    }
    let dir = Shell.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    // GStreamer's rtpamrdepay takes octet-aligned payloads only, and these are
    // bandwidth-efficient: tshark's AMR dissector reads each payload's TOC (F, FT, Q) and frame
    // bytes; the frames go to an RFC 4867 §5 storage file that amrparse ! amrnbdec decodes.
    let ports = [1128, 1130, 1132, 1134, 1236].map { "-d udp.port==\($0),rtp" }
      .joined(separator: " ")
    let fields = Shell.run(
      "tshark -r '\(path)' -o amr.dynamic.payload.type:\(payloadType) "
        + "-o 'amr.encoding.version:RFC 3267 BW-efficient' \(ports) -Y 'rtp.ssrc==\(ssrc)' "
        + "-T fields -e rtp.seq -e rtp.timestamp -e amr.toc.f -e amr.nb.toc.ft -e amr.toc.q "
        + "-e amr.frame_data")
    #expect(fields.status == 0, "\(fields.stderr)")
    let speechBits = [95, 103, 118, 134, 148, 159, 204, 244, 39]
    var file = Array("#!AMR\n".utf8)
    // Where each frame of the file belongs on the RTP timeline, from the first timestamp.
    var positions: [Int] = []
    var seen: Set<Int> = []
    var previous: (sequence: Int, position: Int)?
    var firstTimestamp: UInt32?
    for line in String(decoding: fields.stdout, as: UTF8.self).split(separator: "\n") {
      let columns = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
      guard columns.count == 6, let sequence = Int(columns[0]), let timestamp = UInt32(columns[1]),
        let frameType = Int(columns[3]), let quality = Int(columns[4])
      else {
        Issue.record("tshark line \(line)")
        continue
      }
      // Captured twice on this link: the first copy of each sequence number.
      guard seen.insert(sequence).inserted else { continue }
      #expect(columns[2] == "0", "one frame a packet")
      let start = firstTimestamp ?? timestamp
      firstTimestamp = start
      let position = Int(timestamp &- start)
      // rtpdec decodes the time of lost packets, and the time a DTX sender left out after a
      // SID, as NO_DATA frames, one each 20 ms of the gap.
      if let previous, position > previous.position + 160 {
        for lost in stride(from: previous.position + 160, to: position, by: 160) {
          file.append(0x7C)
          positions.append(lost)
        }
      }
      file.append(UInt8(frameType << 3 | quality << 2))
      if frameType < speechBits.count {
        var bytes: [UInt8] = []
        var hex = columns[5][...]
        while hex.count >= 2, let byte = UInt8(hex.prefix(2), radix: 16) {
          bytes.append(byte)
          hex = hex.dropFirst(2)
        }
        file += Self.storageBits(bytes, bits: speechBits[frameType])
      }
      positions.append(position)
      previous = (sequence, position)
    }
    try Data(file).write(to: dir.appendingPathComponent("frames.amr"))
    let gst = Shell.run(
      "gst-launch-1.0 -q filesrc location=frames.amr ! amrparse ! amrnbdec ! "
        + "audio/x-raw,format=S16LE ! fdsink fd=1", in: dir)
    #expect(gst.status == 0, "\(gst.stderr)")
    let theirs = AudioTool.samples(gst.stdout)
    #expect(theirs.count == positions.count * 160)
    let decoded = Shell.run(
      "rtpdec --stream \(stream) --codec \(payloadType)=AMR/8000 --format raw '\(path)'")
    #expect(decoded.status == 0, "\(decoded.stderr)")
    let ours = AudioTool.samples(decoded.stdout)
    var covered = [Bool](repeating: false, count: ours.count)
    var differing = 0
    for (index, position) in positions.enumerated() where theirs.count >= (index + 1) * 160 {
      guard position + 160 <= ours.count else {
        differing += 1
        continue
      }
      if ours[position..<(position + 160)] != theirs[(index * 160)..<((index + 1) * 160)] {
        differing += 1
      }
      for offset in position..<(position + 160) { covered[offset] = true }
    }
    #expect(differing == 0, "\(differing) of \(positions.count) frames differ from amrnbdec's")
    // Nothing is left over: the pauses between talk spurts are the codec's comfort noise.
    #expect(covered.allSatisfy { $0 })
  }

  @Test(
    "GStreamer's AMR and AMR-WB via rtprecv: a 1 kHz tone, the samples GStreamer decodes",
    arguments: [(false, "amrnbenc"), (true, "voamrwbenc")])
  func gstreamerStreams(wideband: Bool, encoder: String) throws {
    guard Shell.has("gst-launch-1.0") else { return print("skipped: no gst-launch-1.0") }
    let dir = Shell.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let rate = wideband ? 16000 : 8000
    let port = RTPSendRecvToolTests.port()
    let result = RTPSendRecvToolTests.exchange(
      port: port, receive: "--listen 127.0.0.1:\(port) --idle-timeout 1 --stats",
      send:
        "timeout -s KILL 20 gst-launch-1.0 -q audiotestsrc freq=1000 num-buffers=100 "
        + "samplesperbuffer=\(rate / 50) ! audio/x-raw,rate=\(rate),channels=1,format=S16LE ! "
        + "\(encoder) ! rtpamrpay ! udpsink host=127.0.0.1 port=\(port) sync=false",
      in: dir)
    #expect(result.status == 0, "\(result.stderr)")
    #expect(RTPSendRecvToolTests.status(dir) == 0)
    let name = wideband ? "AMR-WB/16000" : "AMR/8000"
    let decoded = Shell.run(
      "rtpdec --codec '96=\(name);octet-align=1' --stats --format raw recv.pcap", in: dir)
    #expect(decoded.status == 0, "\(decoded.stderr)")
    let ours = AudioTool.samples(decoded.stdout)
    #expect(ours.count == 2 * rate, "\(decoded.stderr)")
    #expect(RTPJBToolTests.stats(decoded)["corrupt"] == 0)
    // audiotestsrc's default volume 0.8: RMS 0.8 × 32767 / √2 = 18536.
    Self.expectTone(ours, rate: rate, rms: 18536, encoder)
    let theirs = Self.gstreamerDecode(
      dir.appendingPathComponent("recv.pcap").path, wideband: wideband, in: dir)
    #expect(theirs == ours, "\(encoder): GStreamer decodes other samples")
  }

  @Test(
    "rtpgen's AMR and AMR-WB decode as GStreamer decodes them, in either layout",
    arguments: [(false, "AMR/8000"), (true, "AMR-WB/16000")])
  func rtpgenStreams(wideband: Bool, name: String) throws {
    let dir = Shell.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let rate = wideband ? 16000 : 8000
    let codec = wideband ? "amr-wb" : "amr"
    let made = Shell.run(
      "rtpgen --codec \(codec) --tone 1000 --duration 2 --stats > be.pcap && "
        + "rtpgen --codec '\(name);octet-align=1' --tone 1000 --duration 2 > oa.pcap", in: dir)
    #expect(made.status == 0, "\(made.stderr)")
    #expect(made.stderr.contains(#""audioPackets":100"#), "\(made.stderr)")
    let aligned = Shell.run(
      "rtpdec --codec '96=\(name);octet-align=1' --format raw oa.pcap", in: dir)
    #expect(aligned.status == 0, "\(aligned.stderr)")
    let efficient = Shell.run("rtpdec --codec 96=\(name) --format raw be.pcap", in: dir)
    #expect(efficient.status == 0, "\(efficient.stderr)")
    let ours = AudioTool.samples(aligned.stdout)
    #expect(ours.count == 2 * rate)
    // The same encoder output in the two layouts: the same audio.
    #expect(AudioTool.samples(efficient.stdout) == ours)
    // rtpgen's tone peaks at half of full scale: RMS 16384 / √2.
    Self.expectTone(ours, rate: rate, rms: 11585, name)
    guard
      let theirs = Self.gstreamerDecode(
        dir.appendingPathComponent("oa.pcap").path, wideband: wideband, in: dir)
    else { return print("skipped: no gst-launch-1.0") }
    #expect(theirs == ours, "\(name): GStreamer decodes other samples")
  }

  @Test("An AMR payload type with interleaving is one line naming the parameter, exit 65")
  func interleavingRefused() throws {
    let dir = Shell.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let run = Shell.run(
      "rtpgen --codec amr --tone 500 --duration 1 > s.pcap && "
        + "rtpdec --codec '96=AMR/8000;octet-align=1;interleaving=2' s.pcap > out.wav", in: dir)
    #expect(run.status == 65, "\(run.stderr)")
    #expect(run.stderr.contains("interleaving"), "\(run.stderr)")
    #expect(run.stderr.split(separator: "\n").count <= 2, "\(run.stderr)")
  }
}
