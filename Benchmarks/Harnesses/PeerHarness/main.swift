// The in-process half of scripts/bench's comparison with librtpsynth: the same work on the same
// inputs as scripts/bench_peers.py does through librtpsynth's Python bindings, timed the same way
// (monotonic clock around the loop, median of the runs), one figure on standard output.
//
//   PeerHarness generate PACKETS RUNS              RTPSynth, PCMU 20 ms, into a caller's buffer
//   PeerHarness jitter FILE CAPACITY RUNS          JitterBuffer fed FILE's datagrams
//   PeerHarness encode FILE RUNS                   G.711 u-law encode of FILE (raw s16le)
//   PeerHarness decode FILE RUNS                   G.711 u-law decode of FILE (raw octets)
//   PeerHarness resample FILE IN OUT RUNS          linear resampling of FILE (raw s16le)
//   PeerHarness udp PACKETS                        RTPServer: one channel to another on 127.0.0.1
//
// FILE for `jitter` is datagrams, each a 2-byte little-endian length and the bytes, as
// bench_peers.py writes them. Figures go to standard output as "<median per second> <unit>",
// and a check line (counts) to standard error, so that the two sides can be seen to agree.

import RTPCore

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// A line on standard error.
func note(_ line: String) {
  var text = line + "\n"
  text.withUTF8 { _ = write(2, $0.baseAddress, $0.count) }
}

func fail(_ message: String) -> Never {
  note("PeerHarness: \(message)")
  exit(64)
}

func now() -> UInt64 {
  var time = timespec()
  clock_gettime(CLOCK_MONOTONIC, &time)
  return UInt64(time.tv_sec) * 1_000_000_000 + UInt64(time.tv_nsec)
}

/// Runs `body` `runs` times and returns the median wall time in nanoseconds.
func medianNanoseconds(runs: Int, _ body: () -> Void) -> UInt64 {
  var times: [UInt64] = []
  for _ in 0..<runs {
    let start = now()
    body()
    times.append(now() - start)
  }
  times.sort()
  return times[times.count / 2]
}

/// The whole of a file, in a buffer aligned for Int16.
func readFile(_ path: String) -> UnsafeMutableRawBufferPointer {
  guard let file = fopen(path, "rb") else { fail("cannot open \(path)") }
  defer { fclose(file) }
  fseek(file, 0, SEEK_END)
  let size = ftell(file)
  fseek(file, 0, SEEK_SET)
  let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: max(size, 1), alignment: 64)
  guard fread(buffer.baseAddress!, 1, size, file) == size else { fail("short read of \(path)") }
  return UnsafeMutableRawBufferPointer(rebasing: buffer[0..<size])
}

func report(_ count: Int, _ nanoseconds: UInt64, _ unit: String) {
  // Millions a second, to two decimals, without Foundation.
  let hundredths = Int((Double(count) / Double(nanoseconds) * 1e5).rounded())
  let fraction = hundredths % 100
  print("\(hundredths / 100).\(fraction < 10 ? "0" : "")\(fraction) \(unit)")
}

func blackHole<T>(_ value: T) { withExtendedLifetime(value) {} }

nonisolated(unsafe) var arguments = CommandLine.arguments.dropFirst()
func argument(_ name: String) -> String {
  guard let value = arguments.popFirst() else { fail("missing \(name)") }
  return value
}
func number(_ name: String) -> Int {
  guard let value = Int(argument(name)), value > 0 else { fail("bad \(name)") }
  return value
}

switch argument("mode") {
case "generate":
  // What librtpsynth's next_pkt(160, 0) does per call: a 172-byte PCMU packet's header.
  let packets = number("packets")
  let runs = number("runs")
  let length = 172
  let slots = 64
  let ring = UnsafeMutableRawBufferPointer.allocate(byteCount: slots * length, alignment: 16)
  ring.initializeMemory(as: UInt8.self, repeating: 0)
  var written = 0
  let median = medianNanoseconds(runs: runs) {
    var synth = RTPSynth(sampleRate: 8000, packetTimeMicroseconds: 20_000, start: .seeded(1))
    for index in 0..<packets {
      let slot = index & (slots - 1)
      written &+= try! synth.nextPacket(
        payloadType: 0, payloadLength: 160,
        into: UnsafeMutableRawBufferPointer(rebasing: ring[(slot * length)..<((slot + 1) * length)])
      )
    }
  }
  blackHole(written)
  blackHole(UnsafeRawBufferPointer(ring))
  report(packets, median, "M packets/s")

case "jitter":
  let data = readFile(argument("file"))
  let capacity = number("capacity")
  let runs = number("runs")
  var packets: [UnsafeRawBufferPointer] = []
  var offset = 0
  while offset + 2 <= data.count {
    let length = Int(data[offset]) | Int(data[offset + 1]) << 8
    packets.append(UnsafeRawBufferPointer(rebasing: data[(offset + 2)..<(offset + 2 + length)]))
    offset += 2 + length
  }
  var ready = 0
  var erased: Int64 = 0
  var dropped = 0
  let median = medianNanoseconds(runs: runs) {
    ready = 0
    erased = 0
    dropped = 0
    let buffer = JitterBuffer(capacity: capacity)
    let handler: (JitterBufferEvent) -> Void = { event in
      switch event {
      case .ready: ready &+= 1
      case .erasure(let erasure): erased &+= erasure.packetCount
      case .dropped: dropped &+= 1
      case .streamStarted: break
      }
    }
    for packet in packets { try! buffer.feed(packet, arrival: 0, handler) }
    buffer.flush(handler)
  }
  note(
    "PeerHarness: jitter capacity \(capacity): \(packets.count) datagrams in, \(ready) ready, "
      + "\(erased) erased, \(dropped) dropped")
  report(packets.count, median, "M packets/s")

case "encode":
  let data = readFile(argument("file"))
  let runs = number("runs")
  let samples = UnsafeBufferPointer(
    start: UnsafeRawPointer(data.baseAddress!).assumingMemoryBound(to: Int16.self),
    count: data.count / 2)
  let codes = UnsafeMutableRawBufferPointer.allocate(byteCount: samples.count, alignment: 64)
  let median = medianNanoseconds(runs: runs) { G711.encode(.ulaw, samples, into: codes) }
  blackHole(codes[codes.count / 2])
  report(samples.count, median, "M samples/s")

case "decode":
  let data = readFile(argument("file"))
  let runs = number("runs")
  let samples = UnsafeMutableBufferPointer<Int16>.allocate(capacity: data.count)
  let median = medianNanoseconds(runs: runs) {
    G711.decode(.ulaw, UnsafeRawBufferPointer(data), into: samples)
  }
  blackHole(samples[samples.count / 2])
  report(data.count, median, "M samples/s")

case "resample":
  let data = readFile(argument("file"))
  let inputRate = number("input rate")
  let outputRate = number("output rate")
  let runs = number("runs")
  let samples = UnsafeBufferPointer(
    start: UnsafeRawPointer(data.baseAddress!).assumingMemoryBound(to: Int16.self),
    count: data.count / 2)
  // Output into one array, as resample_linear returns one: the cost of keeping it is counted.
  let output = UnsafeMutableBufferPointer<Int16>.allocate(
    capacity: samples.count / inputRate * outputRate + outputRate + 1024)
  var produced = 0
  let median = medianNanoseconds(runs: runs) {
    produced = 0
    let resampler = try! makeResampler(
      quality: .linear, inputRate: inputRate, outputRate: outputRate)
    let emit: (UnsafeBufferPointer<Int16>) -> Void = { block in
      _ = UnsafeMutableBufferPointer(rebasing: output[produced..<(produced + block.count)])
        .initialize(fromContentsOf: block)
      produced += block.count
    }
    try! resampler.process(samples, emit)
    try! resampler.finish(emit)
  }
  note("PeerHarness: resample: \(samples.count) samples in, \(produced) out")
  report(samples.count, median, "M input samples/s")

case "udp":
  // One RTPServer, two channels on 127.0.0.1: the main thread queues 172-byte datagrams as fast
  // as the channel takes them, the worker sends and receives; the figure is datagrams received
  // per second, from the first send to the last arrival, as the C loop measures it.
  let total = number("PACKETS")
  let received = Counter()
  let server = try! RTPServer(name: "udp-bench")
  let local = Endpoint(address: .v4(.loopback), port: 0)
  let receiver = try! server.createChannel(
    onPacket: { _, _, _ in received.add() }, bindingTo: local,
    options: RTPChannelOptions(family: .ipv4, sending: RTPChannelSendOptions(queueSize: 2)))
  let sender = try! server.createChannel(
    onPacket: { _, _, _ in }, bindingTo: local,
    options: RTPChannelOptions(family: .ipv4, sending: RTPChannelSendOptions(queueSize: 4096)))
  try! sender.setTarget(receiver.localAddress)
  let packet = [UInt8](repeating: 0x80, count: 172)
  let start = now()
  packet.withUnsafeBytes { bytes in
    var sent = 0
    while sent < total {
      do {
        try sender.send(bytes)
        sent += 1
      } catch {
        sched_yield()
      }
    }
  }
  while sender.pendingCount > 0 { sched_yield() }
  // Wait until everything sent has arrived or been dropped by the kernel, or a second passes
  // with nothing new.
  var lastCount = -1
  var lastChange = now()
  var finished = start
  while true {
    let count = received.value
    let drops = Int(receiver.counters.kernelDrops)
    if count != lastCount {
      lastCount = count
      lastChange = now()
      finished = lastChange
    }
    if count + drops >= total || now() - lastChange > 1_000_000_000 { break }
    usleep(200)
  }
  let drops = receiver.counters.kernelDrops
  note("PeerHarness: udp: sent \(total), received \(lastCount), kernel drops \(drops)")
  sender.close()
  receiver.close()
  server.shutdown()
  report(lastCount, finished - start, "M packets/s")

case let mode:
  fail("unknown mode \(mode)")
}

/// A count the server's worker thread raises and the main thread reads.
final class Counter: @unchecked Sendable {
  // Protected by `lock`.
  private var count = 0
  private var lock = pthread_mutex_t()

  init() { pthread_mutex_init(&lock, nil) }

  func add() {
    pthread_mutex_lock(&lock)
    count += 1
    pthread_mutex_unlock(&lock)
  }

  var value: Int {
    pthread_mutex_lock(&lock)
    defer { pthread_mutex_unlock(&lock) }
    return count
  }
}
