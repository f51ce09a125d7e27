// libFuzzer target: time fields at their extremes across the capture formats, through the
// readers, the statistics (RTPStreamAnalyzer, RTPStreamTable), the jitter buffer's release by
// time and the writers.
//
// The input is not a capture: it is a recipe. Byte 0 sets the jitter buffer's maxDelay
// (10 ms steps, 255 for Int64.max), byte 1 chooses the format (pcap µs or ns, either
// byte order; pcapng with up to four interfaces whose if_tsresol and if_tsoffset come from the
// input; rtpdump), then each packet takes its time fields (pcap seconds and fraction, pcapng
// interface and 64-bit ticks, rtpdump start and millisecond offsets), its SSRC, sequence number
// and RTP timestamp from the input, extreme values being likelier than others. The target
// builds that capture around valid Ethernet/IPv4/UDP/RTP frames and checks:
// - every record's time is what an independent 128-bit computation gives, and the first record
//   whose time is outside CaptureTime's range is refused as `timestampOutOfRange` with the
//   records before it returned;
// - each stream's start, end, packet count and duration in the analyzer and the table agree with
//   those times (exact spans, no trap);
// - the jitter buffer, releasing by time with a maxDelay from the input, settles every packet;
// - a writer in each format writes exactly the times the format holds and refuses the rest.
//
// Built by scripts/fuzz with RTPCore's sources in one module, so internal API is in reach.

import SystemPackage

/// Reads the recipe, one value at a time; past the end every value is 0.
struct Recipe {
  let bytes: UnsafeRawBufferPointer
  var position = 0

  mutating func byte() -> UInt8 {
    guard position < bytes.count else { return 0 }
    defer { position += 1 }
    return bytes[position]
  }

  mutating func u32() -> UInt32 {
    (0..<4).reduce(UInt32(0)) { value, _ in value << 8 | UInt32(byte()) }
  }

  mutating func u64() -> UInt64 {
    UInt64(u32()) << 32 | UInt64(u32())
  }

  /// A 64-bit value that is often at or near an edge.
  mutating func extreme64() -> UInt64 {
    let selector = byte()
    let raw = u64()
    switch selector % 8 {
    case 0: return raw
    case 1:
      return [0, 1, .max, .max - 1, 1 << 63, (1 << 63) - 1, 1 << 62, (1 << 62) - 1][Int(raw % 8)]
    case 2: return raw >> (raw % 64)
    case 3: return UInt64(bitPattern: 0 &- Int64(truncatingIfNeeded: raw >> (raw % 64)))
    default: return raw & 0xFFFF_FFFF
    }
  }

  /// A 32-bit value that is often at an edge.
  mutating func extreme32() -> UInt32 {
    let selector = byte()
    let raw = u32()
    switch selector % 4 {
    case 0: return [0, 1, .max, .max - 1, 999_999, 1_000_000, 999_999_999, 1 << 31][Int(raw % 8)]
    default: return raw
    }
  }

  var isExhausted: Bool { position >= bytes.count }
}

/// A little-endian or big-endian byte writer.
struct Bytes {
  var bytes: [UInt8] = []
  var bigEndian = false

  mutating func put<T: FixedWidthInteger>(_ value: T) {
    withUnsafeBytes(of: bigEndian ? value.bigEndian : value.littleEndian) { bytes += $0 }
  }
}

/// An Ethernet/IPv4/UDP frame carrying an RTP packet with a 4-byte payload.
func frame(ssrc: UInt32, sequence: UInt16, timestamp: UInt32) -> [UInt8] {
  var frame: [UInt8] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 0x08, 0x00]
  let udpLength = 8 + 12 + 4
  let totalLength = 20 + udpLength
  frame += [0x45, 0, UInt8(totalLength >> 8), UInt8(totalLength & 0xFF), 0, 0, 0, 0, 64, 17, 0, 0]
  frame += [192, 0, 2, 1, 198, 51, 100, 2]
  frame += [0x0F, 0xA0, 0x13, 0x8C, 0, UInt8(udpLength), 0, 0]
  frame += [0x80, 0x00, UInt8(sequence >> 8), UInt8(sequence & 0xFF)]
  for value in [timestamp, ssrc] {
    frame += [
      UInt8(value >> 24), UInt8((value >> 16) & 0xFF), UInt8((value >> 8) & 0xFF),
      UInt8(value & 0xFF),
    ]
  }
  return frame + [0xFF, 0xFF, 0xFF, 0xFF]
}

func powerOfTen(_ exponent: Int) -> Int128 {
  var value: Int128 = 1
  for _ in 0..<exponent { value *= 10 }
  return value
}

/// A pcapng timestamp by the specification's arithmetic, independently of the reader.
func expectedPcapng(ticks: UInt64, resolution: UInt8, offset: Int64) -> Int128 {
  let exponent = Int(resolution & 0x7F)
  let nanoseconds: Int128
  if resolution & 0x80 != 0 {
    nanoseconds = Int128((UInt128(ticks) * 1_000_000_000) >> exponent)
  } else if exponent <= 9 {
    nanoseconds = Int128(ticks) * powerOfTen(9 - exponent)
  } else if exponent <= 47 {
    nanoseconds = Int128(ticks) / powerOfTen(exponent - 9)
  } else {
    nanoseconds = 0
  }
  return nanoseconds + Int128(offset) * 1_000_000_000
}

/// The capture the recipe describes and the time each of its packets should have.
func build(_ recipe: inout Recipe) -> (capture: [UInt8], times: [Int128]) {
  let kind = recipe.byte()
  var out = Bytes()
  var times: [Int128] = []
  let ssrcs: [UInt32] = [0x1111_1111, recipe.u32()]
  let count = Int(recipe.byte() % 24) + 1
  func nextFrame(_ recipe: inout Recipe) -> [UInt8] {
    let flags = recipe.byte()
    return frame(
      ssrc: ssrcs[Int(flags & 1)], sequence: UInt16(truncatingIfNeeded: recipe.u32()),
      timestamp: flags & 2 == 0 ? recipe.extreme32() : UInt32(flags) << 24)
  }
  switch kind % 4 {
  case 0, 1:
    // pcap: µs or ns, little- or big-endian.
    let nanoseconds = kind % 4 == 1
    out.bigEndian = kind & 0x10 != 0
    out.put(nanoseconds ? UInt32(0xA1B2_3C4D) : UInt32(0xA1B2_C3D4))
    out.put(UInt16(2))
    out.put(UInt16(4))
    out.put(UInt64(0))
    out.put(UInt32(262_144))
    out.put(UInt32(1))
    for _ in 0..<count where !recipe.isExhausted {
      let seconds = recipe.extreme32()
      let fraction = recipe.extreme32()
      let bytes = nextFrame(&recipe)
      out.put(seconds)
      out.put(fraction)
      out.put(UInt32(bytes.count))
      out.put(UInt32(bytes.count))
      out.bytes += bytes
      times.append(Int128(seconds) * 1_000_000_000 + Int128(fraction) * (nanoseconds ? 1 : 1_000))
    }
  case 2:
    // pcapng: up to four interfaces with chosen resolution and offset.
    out.bigEndian = kind & 0x10 != 0
    out.put(UInt32(0x0A0D_0D0A))
    out.put(UInt32(28))
    out.put(UInt32(0x1A2B_3C4D))
    out.put(UInt16(1))
    out.put(UInt16(0))
    out.put(Int64(-1))
    out.put(UInt32(28))
    var interfaces: [(resolution: UInt8, offset: Int64)] = []
    for _ in 0..<(Int(kind >> 5) % 4 + 1) {
      let flags = recipe.byte()
      let resolution = flags & 1 != 0 ? recipe.byte() : 6
      let offset = flags & 2 != 0 ? Int64(bitPattern: recipe.extreme64()) : 0
      interfaces.append((resolution, offset))
      let length = UInt32(16 + (flags & 1 != 0 ? 8 : 0) + (flags & 2 != 0 ? 12 : 0) + 4 + 4)
      out.put(UInt32(1))
      out.put(length)
      out.put(UInt16(1))
      out.put(UInt16(0))
      out.put(UInt32(0))
      if flags & 1 != 0 {
        out.put(UInt16(9))
        out.put(UInt16(1))
        out.bytes += [resolution, 0, 0, 0]
      }
      if flags & 2 != 0 {
        out.put(UInt16(14))
        out.put(UInt16(8))
        out.put(offset)
      }
      out.put(UInt32(0))
      out.put(length)
    }
    for _ in 0..<count where !recipe.isExhausted {
      let interface = Int(recipe.byte()) % interfaces.count
      let ticks = recipe.extreme64()
      let bytes = nextFrame(&recipe)
      let padded = (bytes.count + 3) & ~3
      let length = UInt32(28 + padded + 4)
      out.put(UInt32(6))
      out.put(length)
      out.put(UInt32(interface))
      out.put(UInt32(truncatingIfNeeded: ticks >> 32))
      out.put(UInt32(truncatingIfNeeded: ticks))
      out.put(UInt32(bytes.count))
      out.put(UInt32(bytes.count))
      out.bytes += bytes + [UInt8](repeating: 0, count: padded - bytes.count)
      out.put(length)
      let (resolution, offset) = interfaces[interface]
      times.append(expectedPcapng(ticks: ticks, resolution: resolution, offset: offset))
    }
  default:
    // rtpdump: start and millisecond offsets.
    out.bigEndian = true
    out.bytes = Array("#!rtpplay1.0 198.51.100.2/5004\n".utf8)
    let seconds = recipe.extreme32()
    let microseconds = recipe.extreme32()
    out.put(seconds)
    out.put(microseconds)
    out.put(UInt32(0xC000_0201))
    out.put(UInt16(4000))
    out.put(UInt16(0))
    let start = Int128(seconds) * 1_000_000_000 + Int128(microseconds) * 1_000
    for _ in 0..<count where !recipe.isExhausted {
      let milliseconds = recipe.extreme32()
      let packet = Array(nextFrame(&recipe)[42...])
      out.put(UInt16(8 + packet.count))
      out.put(UInt16(packet.count))
      out.put(milliseconds)
      out.bytes += packet
      times.append(start + Int128(milliseconds) * 1_000_000)
    }
  }
  return (out.bytes, times)
}

/// A failed check: its message on standard output (precondition drops it under -O), then a trap.
func check(_ condition: Bool, _ message: @autoclosure () -> String = "") {
  if !condition { fail(message()) }
}

func fail(_ message: String) -> Never {
  print("CaptureTimeFuzz: \(message)")
  fatalError(message)
}

let devNull = try! FileDescriptor.open("/dev/null", .writeOnly)

/// Which of `times` a writer in `format` holds, by the formats' own limits.
func holds(_ time: Int64, format: CaptureFormat, start: Int64?) -> Bool {
  let latestPcap = Int64(UInt32.max) * 1_000_000_000 + 999_999_999
  guard CaptureTime(nanoseconds: time) != nil else { return false }
  switch format {
  case .pcap: return time >= 0 && time <= latestPcap
  case .pcapng: return true
  case .rtpdump:
    if let start { return Int128(time) - Int128(start) <= Int128(UInt32.max) * 1_000_000 + 999_999 }
    return time >= 0 && time <= latestPcap
  }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
  var recipe = Recipe(bytes: UnsafeRawBufferPointer(start: data, count: size))
  let delayByte = recipe.byte()
  let maxDelay = delayByte == 255 ? Int64.max : Int64(delayByte) * 10_000_000
  let (capture, expected) = build(&recipe)
  let representable = expected.map { CaptureTime(exactly: $0) != nil }
  let firstRefused = representable.firstIndex(of: false)

  capture.withUnsafeBytes { bytes in
    // Records and their times.
    let reader = try! CaptureReader(source: InputSource(bytes: bytes))
    var times: [Int64] = []
    var failure: CaptureError?
    do throws(CaptureError) {
      while let record = try reader.next() {
        check(
          Int128(record.timestamp) == expected[times.count],
          "record \(record.index): \(record.timestamp), expected \(expected[times.count]), \(reader.format)"
        )
        times.append(record.timestamp)
      }
    } catch {
      failure = error
    }
    if let firstRefused {
      check(times.count == firstRefused, "\(times.count) records before the refused one")
      guard case .timestampOutOfRange(at: .record(let index, _)) = failure,
        index == firstRefused + 1
      else {
        fail("expected record \(firstRefused + 1) refused, got \(String(describing: failure))")
      }
      check(failure!.description.hasSuffix(": timestamp out of range"))
    } else {
      check(failure == nil && times.count == expected.count, "\(String(describing: failure))")
    }

    // Statistics over the same capture.
    var analyzer = RTPStreamAnalyzer(sampleLimit: 8)
    var table = RTPStreamTable()
    let jitterBuffer = JitterBuffer(capacity: 4, maxDelay: maxDelay)
    var settled = 0
    let datagrams = try! DatagramReader(source: InputSource(bytes: bytes))
    var datagramTimes: [Int64] = []
    var keys: [RTPStreamKey] = []
    do throws(CaptureError) {
      while let datagram = try datagrams.next() {
        datagramTimes.append(datagram.timestamp)
        analyzer.add(datagram)
        table.count(datagram)
        if case .packet(let packet) = RTPPayload(sorting: datagram.payload) {
          keys.append(
            RTPStreamKey(
              ssrc: packet.ssrc, source: datagram.source, destination: datagram.destination))
        }
        try? jitterBuffer.feed(datagram.payload, arrival: datagram.timestamp) { event in
          if case .ready = event { settled += 1 }
          if case .dropped = event { settled += 1 }
        }
      }
    } catch {
      check(error == failure!, "\(error) reading datagrams, \(String(describing: failure)) records")
    }
    jitterBuffer.flush { event in
      if case .ready = event { settled += 1 }
      if case .dropped = event { settled += 1 }
    }
    check(datagramTimes == times, "datagram times differ from record times")
    check(settled == keys.count, "jitter buffer settled \(settled) of \(keys.count)")
    let origin = Int128(analyzer.origin ?? 0)
    for stream in analyzer.streams {
      let mine = zip(keys, datagramTimes).filter { $0.0 == stream.key }.map { Int128($0.1) }
      check(stream.packets == mine.count, "analyzer packets")
      check(Int128(stream.start) == mine.first! - origin, "analyzer start")
      check(Int128(stream.end) == mine.last! - origin, "analyzer end")
      check(stream.minDeltaMs.isFinite && stream.maxJitterMs.isFinite)
      // The report's text is costly per execution: one input in eight makes it.
      if size % 8 == 0 { _ = RTPStreamReport.json([stream]) }
    }
    for summary in table.streams {
      let mine = zip(keys, datagramTimes).filter { $0.0 == summary.key }.map { Int128($0.1) }
      check(summary.packets == mine.count, "table packets")
      check(Int128(summary.duration) == mine.last! - mine.first!, "table duration")
    }
    if size % 8 == 0 { _ = table.listing }

    // Writers: what each format holds is written, the rest refused and counted.
    for format in CaptureFormat.allCases {
      let writer = try! CaptureWriter(
        sink: OutputSink(fileDescriptor: devNull, capacity: 4096), format: format,
        precision: .nanoseconds)
      var start: Int64?
      var refused = 0
      for time in times {
        let fits = holds(time, format: format, start: start)
        let written = try! writer.writePacket(
          timestamp: time, source: Endpoint(address: .v4(.any), port: 1),
          destination: Endpoint(address: .v4(.any), port: 2), payloadLength: 12
        ) { $0.initializeMemory(as: UInt8.self, repeating: 0x80) }
        check(written == fits, "\(format) at \(time)")
        if written && start == nil && format == .rtpdump { start = time / 1_000 * 1_000 }
        if !written { refused += 1 }
      }
      check(writer.outOfRangeSkipped == refused)
      check((writer.outOfRangeDescription != nil) == (refused > 0))
      try! writer.finish()
    }
  }
  return 0
}
