import Foundation
import RTPCore
import Testing

/// The two SIP captures of `../shared/corpus`, read as tshark reads them
/// (tshark-sip-calls.txt there).
@Suite("Signalling in real captures")
struct SignallingCorpusTests {
  /// The bytes of a corpus capture, or `nil` (with "skipped: ..." printed) without the corpus.
  static func corpusFile(_ name: String) -> [UInt8]? {
    let url = CorpusTests.corpus.appendingPathComponent(name)
    guard let data = try? Data(contentsOf: url) else {
      print("skipped: no corpus file \(url.path)")
      return nil
    }
    return [UInt8](data)
  }

  /// What the SIP layer reads from a capture: messages, calls, datagrams, first record time.
  struct Read {
    var messages: [CapturedSIPMessage]
    var reader: SIPCaptureReader
    var tracker: SIPCallTracker
    var datagrams: [ReadDatagram]
    var firstTime: Int64

    /// Seconds since the first record, as tshark's frame.time_relative prints them.
    func relative(_ time: Int64?) -> String? {
      time.map { String(format: "%.6f", Double($0 - firstTime) / 1e9) }
    }
  }

  static func read(_ bytes: [UInt8]) throws -> Read {
    let (messages, reader) = try TestInput.withSource(bytes) { source in
      try SIPCaptureReader.messages(in: source)
    }
    var tracker = SIPCallTracker()
    tracker.add(messages)
    let records = try TestInput.records(bytes)
    let datagrams = try TestInput.datagrams(bytes).datagrams
    return Read(
      messages: messages, reader: reader, tracker: tracker, datagrams: datagrams,
      firstTime: records.records.first?.timestamp ?? 0)
  }

  /// tshark's SIP frames: epoch time (ns, from its 9-digit fraction) and Call-ID; `nil` without tshark.
  static func tsharkSIP(_ name: String) -> [(Int64, String)]? {
    guard FileManager.default.isExecutableFile(atPath: "/usr/bin/tshark") else {
      print("skipped: no tshark to compare with")
      return nil
    }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/tshark")
    process.arguments = [
      "-n", "-r", CorpusTests.corpus.appendingPathComponent(name).path, "-Y", "sip", "-T",
      "fields", "-e", "frame.time_epoch", "-e", "sip.Call-ID",
    ]
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = FileHandle.nullDevice
    guard (try? process.run()) != nil else { return nil }
    let output = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return String(decoding: output, as: UTF8.self).split(separator: "\n").compactMap { line in
      let fields = line.split(separator: "\t")
      let time = fields.first?.split(separator: ".")
      guard fields.count == 2, let time, time.count == 2, let seconds = Int64(time[0]),
        let nanoseconds = Int64(time[1].padding(toLength: 9, withPad: "0", startingAt: 0))
      else { return nil }
      return (seconds * 1_000_000_000 + nanoseconds, String(fields[1]))
    }
  }

  /// Checks every RTP datagram sent to an SDP-declared endpoint against the binding at its
  /// time: its payload type is declared there. Returns the payload types seen per destination.
  static func checkRTP(_ read: Read) -> [Endpoint: Set<UInt8>] {
    var seen: [Endpoint: Set<UInt8>] = [:]
    for datagram in read.datagrams
    where datagram.payload.count >= 12 && datagram.payload[0] >> 6 == 2 {
      guard
        let binding = read.tracker.binding(
          forDestination: datagram.destination, at: datagram.timestamp)
      else { continue }
      let payloadType = datagram.payload[1] & 0x7F
      // RTCP multiplexed on the port (rtcp-mux) has types 72 to 79 in this position.
      if (72...79).contains(payloadType) { continue }
      seen[datagram.destination, default: []].insert(payloadType)
      #expect(
        binding.mappings.contains { $0.payloadType == payloadType },
        "\(datagram.destination): PT \(payloadType) not declared by \(binding.mappings)")
    }
    return seen
  }

  @Test(
    "SIP over TCP with Opus and H.264: the call tshark lists, and PT 102 bound to the audio port")
  func ciscoOverTCP() throws {
    let name = "wss_cisco_sip_tcp_opus_h264.pcap"
    guard let bytes = Self.corpusFile(name) else { return }
    let read = try Self.read(bytes)
    #expect(read.messages.count == 4)
    #expect(read.messages.allSatisfy { $0.transport == .tcp })
    #expect(read.reader.malformedMessages == 0)
    #expect(read.reader.reassembler.gaps == 0)
    #expect(
      read.messages.map { $0.message.startLine.method ?? "\($0.message.startLine.statusCode ?? 0)" }
        == ["INVITE", "180", "200", "ACK"])
    let calls = read.tracker.calls
    try #require(calls.count == 1)
    let call = calls[0]
    #expect(call.callID == "c7bb74af-d1d3-123a-aeb8-525400123477")
    #expect(call.from?.uri == "sip:123456@10.10.40.34")
    #expect(call.from?.user == "123456")
    #expect(call.from?.tag == "aQv920KSScNyF")
    #expect(call.to?.uri == "sip:1002@10.10.40.77:5060;transport=tcp")
    #expect(call.to?.user == "1002")
    #expect(call.to?.tag == "05acadb1762aaf96")
    #expect(read.relative(call.inviteTime) == "3.722807")
    #expect(read.relative(call.provisionalTime) == "3.734311")
    // The 200 OK spans two segments: its time is the second's, as tshark reports it.
    #expect(read.relative(call.answerTime) == "7.072427")
    #expect(read.relative(call.ackTime) == "7.078749")
    #expect(call.finalStatus == 200)
    #expect(call.byeTime == nil)
    // The offer (INVITE from .34) says what RTP to .34 carries; the answer (200 from .77) what
    // RTP to .77 carries.
    let audioTime = read.firstTime + 7_077_395_000
    let toOfferer = try #require(
      read.tracker.binding(forDestination: Endpoint("10.10.40.34:28350")!, at: audioTime))
    #expect(toOfferer.media == "audio")
    #expect(toOfferer.inRequest)
    #expect(toOfferer.rtcpDestination == Endpoint("10.10.40.34:28350"))
    #expect(
      toOfferer.payloadTypeMap.format(for: 102)?.description
        == "opus/48000/2;useinbandfec=1;maxaveragebitrate=30000;maxplaybackrate=48000;ptime=20;minptime=10;maxptime=40"
    )
    #expect(toOfferer.payloadTypeMap.format(for: 105)?.description == "telephone-event/48000;0-16")
    #expect(toOfferer.mappings.map(\.payloadType) == [102, 0, 8, 105, 101])
    let toAnswerer = try #require(
      read.tracker.binding(forDestination: Endpoint("10.10.40.77:2424")!, at: audioTime))
    #expect(!toAnswerer.inRequest)
    #expect(toAnswerer.direction == .sendrecv)
    #expect(
      toAnswerer.payloadTypeMap.format(for: 114)?.description
        == "opus/48000/2;maxaveragebitrate=24000;stereo=0")
    #expect(toAnswerer.payloadTypeMap.format(for: 102) == nil)
    let video = try #require(
      read.tracker.binding(forDestination: Endpoint("10.10.40.77:2336")!, at: audioTime))
    #expect(video.media == "video")
    #expect(video.payloadTypeMap.format(for: 103)?.encodingName == "H264")
    #expect(
      read.tracker.binding(forDestination: Endpoint("10.10.40.34:19726")!, at: audioTime)?.mappings
        .map(\.payloadType) == [103, 104])
    // The RTP itself: every packet's type is declared for where it goes, Opus 102 to .34:28350.
    let seen = Self.checkRTP(read)
    #expect(seen[Endpoint("10.10.40.34:28350")!] == [102])
    #expect(seen[Endpoint("10.10.40.77:2424")!] == [114])
    #expect(seen[Endpoint("10.10.40.34:19726")!] == [103])
    #expect(seen[Endpoint("10.10.40.77:2336")!] == [103])
    // The second call's streams (to 10.10.40.39) have no signalling in the capture.
    #expect(
      read.tracker.binding(forDestination: Endpoint("10.10.40.34:29768")!, at: audioTime) == nil)
    if let tshark = Self.tsharkSIP(name) {
      #expect(tshark.map(\.0) == read.messages.map(\.timestamp))
      #expect(tshark.map(\.1) == read.messages.compactMap(\.message.callID))
    }
  }

  @Test("SIP over UDP with DVI4: two calls, the 8 kHz and 16 kHz mappings for port 6000")
  func dvi4OverUDP() throws {
    let name = "t0_sip_rtp_dvi4.pcap"
    guard let bytes = Self.corpusFile(name) else { return }
    let read = try Self.read(bytes)
    #expect(read.messages.count == 12)
    #expect(read.messages.allSatisfy { $0.transport == .udp })
    #expect(read.reader.malformedMessages == 0)
    #expect(read.tracker.malformedSDPLines == 0)
    let calls = read.tracker.calls
    try #require(calls.count == 2)
    #expect(calls.map(\.callID) == ["1-2187@10.0.2.20", "1-2189@10.0.2.20"])
    for call in calls {
      #expect(call.from?.uri == "sip:sipp@10.0.2.20:5060")
      #expect(call.from?.tag == "1")
      #expect(call.to?.uri == "sip:test@10.0.2.15:5060")
      #expect(call.messageCount == 6)
      #expect(call.finalStatus == 200)
    }
    #expect(calls[0].to?.tag == "e2jv529vDZ3eQ")
    #expect(calls[1].to?.tag == "FBcN7Xt0a8S1j")
    #expect(calls.map { read.relative($0.inviteTime) } == ["0.000000", "8.619946"])
    #expect(calls.map { read.relative($0.provisionalTime) } == ["0.000160", "8.620073"])
    #expect(calls.map { read.relative($0.answerTime) } == ["0.004315", "8.624541"])
    #expect(calls.map { read.relative($0.ackTime) } == ["0.004746", "8.624704"])
    #expect(calls.map { read.relative($0.byeTime) } == ["8.503612", "17.123812"])
    #expect(calls.map { read.relative($0.endTime) } == ["8.504431", "17.124596"])
    // RTP to 10.0.2.20:6000 is DVI4 at 8 kHz in the first call and at 16 kHz in the second.
    let port6000 = Endpoint("10.0.2.20:6000")!
    let first = try #require(
      read.tracker.binding(forDestination: port6000, at: read.firstTime + 22_578_000))
    #expect(first.callID == "1-2187@10.0.2.20")
    #expect(first.direction == .recvonly)
    #expect(first.mappings.map(\.description) == ["5=DVI4/8000"])
    let second = try #require(
      read.tracker.binding(forDestination: port6000, at: read.firstTime + 8_642_811_000))
    #expect(second.callID == "1-2189@10.0.2.20")
    #expect(second.mappings.map(\.description) == ["6=DVI4/16000"])
    #expect(
      read.tracker.call(forDestination: port6000, at: read.firstTime + 9_000_000_000)?.callID
        == "1-2189@10.0.2.20")
    // The answers: where 10.0.2.15 would receive, sendonly, with telephone-event 101.
    let answer = try #require(
      read.tracker.binding(forDestination: Endpoint("10.0.2.15:30490")!, at: read.firstTime))
    #expect(answer.direction == .sendonly)
    #expect(answer.mappings.map(\.description) == ["5=DVI4/8000", "101=telephone-event/8000;0-16"])
    let seen = Self.checkRTP(read)
    #expect(seen[port6000] == [5, 6])
    // Each packet's clock rate as the binding at its time says: 425 at 8 kHz, 425 at 16 kHz.
    var rates: [Int: Int] = [:]
    for datagram in read.datagrams where datagram.destination == port6000 {
      let binding = read.tracker.binding(forDestination: port6000, at: datagram.timestamp)
      if let format = binding?.payloadTypeMap.format(for: datagram.payload[1] & 0x7F) {
        #expect(format.matches("DVI4"))
        rates[format.clockRate, default: 0] += 1
      }
    }
    #expect(rates == [8000: 425, 16000: 425])
    if let tshark = Self.tsharkSIP(name) {
      #expect(tshark.map(\.0) == read.messages.map(\.timestamp))
      #expect(tshark.map(\.1) == read.messages.compactMap(\.message.callID))
    }
  }
}
