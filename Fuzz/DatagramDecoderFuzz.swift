// libFuzzer target: DatagramDecoder over a sequence of records: any link type and bytes, and
// IPv4 and IPv6 fragments of a few datagrams in any order, overlapping, repeated, conflicting,
// timed out, evicted from a small table and the smallest memory budget (64 KiB), and records cut
// short by a snaplen, their datagrams kept truncated or skipped.
//
// An input is:
//   byte 0      link type of raw records, an index into `linkTypes` (b & 0x7F); with b & 0x80
//               the decoder keeps datagrams the capture cut short
//               (`keepsTruncatedDatagrams`)
//   byte 1      reassembly table: 1 + (b & 7) datagrams in progress, timeout (b >> 3) s, and
//               always the smallest budget, 64 KiB (raw fragments at far offsets exhaust it)
//   then records until the input ends, each starting with a kind byte k:
//   k < 0x80    raw record: length (((k & 0x3F) << 8) | next byte), a capture-time step of
//               next byte × 100 ms, then that many bytes (fewer if the input ends); with
//               k & 0x40 the record says it was cut short (an original length of 1 + the step
//               byte more than it holds)
//   k >= 0x80   a fragment the target writes, IPv6 when k & 0x10 (IPv4 otherwise): datagram
//               (k & 15), then bytes a, b, c:
//               offset a × 8; b & 0x3F eight-byte units of data (+ c & 7 bytes when last);
//               more-fragments b & 0x40; bytes that disagree with other fragments b & 0x80;
//               capture-time step (c >> 3) × 250 ms
//
// Every byte of a written datagram is a function of its datagram number and position (its UDP
// header included), so overlapping fragments agree unless told not to. Whenever a datagram comes
// out of such fragments alone, it must be exactly those bytes. Every fragment the decoder held
// must end up counted exactly once: reassembled, or skipped with a reason (never completed for
// those still in progress), and the table never exceeds its bounds. Each record lives in its own
// allocation of its exact size, so AddressSanitizer reports any read past it.
//
// Built by scripts/fuzz with RTPCore's sources in one module, so internal API is in reach.

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

let linkTypes: [LinkType] = [
  .null, .ethernet, .rawLegacy12, .rawLegacy14, .raw, .loop, .linuxSLL, .ipv4, .ipv6,
  .linuxSLL2, LinkType(rawValue: 0xFFFF_FFFF), LinkType(rawValue: 147),
]

let writtenSource: UInt32 = 0xC633_6401  // 198.51.100.1
let writtenDestination: UInt32 = 0xC633_6402
let writtenSource6: [UInt8] = [0x20, 0x01, 0x0D, 0xB8] + [UInt8](repeating: 0, count: 11) + [1]
let writtenDestination6: [UInt8] =
  [0x20, 0x01, 0x0D, 0xB8] + [UInt8](repeating: 0, count: 11) + [2]
let writtenSource6Address = writtenSource6.withUnsafeBytes { IPv6Address(bytes: $0) }

/// Byte `position` of written datagram `id`'s IP payload: a UDP header, then a pattern.
func writtenByte(_ id: Int, _ position: Int) -> UInt8 {
  switch position {
  case 0: return 0x03  // source port 1000 + id
  case 1: return UInt8(truncatingIfNeeded: 0xE8 + id)
  case 2: return 0x07  // destination port 2000
  case 3: return 0xD0
  case 4: return 0
  case 5: return UInt8(udpLength(id))
  case 6, 7: return 0
  default: return UInt8(truncatingIfNeeded: position &* 131 &+ id &* 7 &+ 1)
  }
}

/// The UDP length written datagram `id` declares.
func udpLength(_ id: Int) -> Int { 8 + 13 * (id + 1) }

/// Every written datagram's IP payload, as `writtenByte` says, and the same bytes as they are
/// written when told to disagree: computed once, so that writing and checking a fragment is a
/// copy and a comparison rather than a call per byte (the fuzzer instruments every iteration).
/// Fragments reach byte 255 × 8 + 511 at most.
let written: [[UInt8]] = (0..<16).map { id in (0..<4096).map { writtenByte(id, $0) } }
let disagreeing: [[UInt8]] = written.map { bytes in bytes.map { $0 ^ 0x5A } }

/// Reads every byte of `bytes` (AddressSanitizer checks each load), eight at a time.
@inline(never)
func touch(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
  var sum: UInt64 = 0
  let words = bytes.count / 8
  for index in 0..<words {
    sum &+= bytes.loadUnaligned(fromByteOffset: index * 8, as: UInt64.self)
  }
  for index in (words * 8)..<bytes.count { sum &+= UInt64(bytes[index]) }
  return sum
}

struct Input {
  var bytes: UnsafeRawBufferPointer
  var position = 0

  init(_ bytes: UnsafeRawBufferPointer) { self.bytes = bytes }

  mutating func next() -> UInt8? {
    guard position < bytes.count else { return nil }
    defer { position += 1 }
    return bytes[position]
  }

  mutating func take(_ count: Int) -> UnsafeRawBufferPointer {
    let end = min(bytes.count, position + count)
    defer { position = end }
    return UnsafeRawBufferPointer(rebasing: bytes[position..<end])
  }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
  var input = Input(UnsafeRawBufferPointer(start: data, count: size))
  guard let linkByte = input.next(), let tableByte = input.next() else { return 0 }
  let linkType = linkTypes[Int(linkByte & 0x7F) % linkTypes.count]
  let capacity = 1 + Int(tableByte & 7)
  let keepsTruncated = linkByte & 0x80 != 0
  let decoder = DatagramDecoder(
    maxDatagramsInProgress: capacity, memoryBudget: 0,
    fragmentTimeout: Int64(tableByte >> 3) * 1_000_000_000,
    keepsTruncatedDatagrams: keepsTruncated)
  precondition(decoder.memoryBudget == 65_536, "the smallest budget is one 64 KiB datagram")
  var held = 0
  var timestamp: Int64 = 1_700_000_000_000_000_000
  // Whether anything but agreeing written fragments went in: then their content is not checked.
  var mixed = false
  var index = 0
  while let kind = input.next() {
    index += 1
    let record: UnsafeMutableRawBufferPointer
    var recordLinkType = linkType
    var missing = 0
    if kind < 0x80 {
      guard let low = input.next(), let step = input.next() else { break }
      timestamp += Int64(step) * 100_000_000
      let bytes = input.take(Int(kind & 0x3F) << 8 | Int(low))
      record = .allocate(byteCount: bytes.count, alignment: 1)
      if !bytes.isEmpty { record.copyMemory(from: bytes) }
      if kind & 0x40 != 0 { missing = 1 + Int(step) }
      mixed = true
    } else {
      guard let a = input.next(), let b = input.next(), let c = input.next() else { break }
      let id = Int(kind & 15)
      let offset = Int(a) * 8
      let moreFragments = b & 0x40 != 0
      let count = Int(b & 0x3F) * 8 + (moreFragments ? 0 : Int(c & 7))
      let disagree = b & 0x80 != 0
      if disagree { mixed = true }
      timestamp += Int64(c >> 3) * 250_000_000
      recordLinkType = .raw
      let ipv6 = kind & 0x10 != 0
      let header = ipv6 ? 48 : 20
      record = .allocate(byteCount: header + count, alignment: 1)
      record.initializeMemory(as: UInt8.self, repeating: 0)
      if ipv6 {
        record[0] = 0x60
        record.storeBigEndian(UInt16(8 + count), at: 4)
        record[6] = 44
        record[7] = 64
        for index in 0..<16 {
          record[8 + index] = writtenSource6[index]
          record[24 + index] = writtenDestination6[index]
        }
        record[40] = 17
        record.storeBigEndian(UInt16(offset) | (moreFragments ? 1 : 0), at: 42)
        record.storeBigEndian(UInt32(id), at: 44)
      } else {
        record[0] = 0x45
        record.storeBigEndian(UInt16(20 + count), at: 2)
        record.storeBigEndian(UInt16(id), at: 4)
        record.storeBigEndian(UInt16(moreFragments ? 0x2000 : 0) | UInt16(a), at: 6)
        record[8] = 64
        record[9] = 17
        record.storeBigEndian(writtenSource, at: 12)
        record.storeBigEndian(writtenDestination, at: 16)
      }
      (disagree ? disagreeing : written)[id].withUnsafeBytes { source in
        UnsafeMutableRawBufferPointer(rebasing: record[header..<(header + count)]).copyMemory(
          from: UnsafeRawBufferPointer(rebasing: source[offset..<(offset + count)]))
      }
    }
    defer { record.deallocate() }
    let bytes = UnsafeRawBufferPointer(record)
    let outcome = decoder.decode(
      CaptureRecord(
        index: index, offset: 0, timestamp: timestamp, linkType: recordLinkType,
        originalLength: bytes.count + missing, bytes: bytes))
    precondition(decoder.datagramsInProgress <= capacity, "reassembly table over capacity")
    precondition(decoder.fragmentBytesHeld <= decoder.memoryBudget, "reassembly over budget")
    if case .held = outcome { held += 1 }
    guard case .datagram(let datagram) = outcome else { continue }
    _ = touch(datagram.payload)
    if datagram.isTruncated {
      precondition(keepsTruncated, "a truncated datagram from a decoder that skips them")
      precondition(missing > 0, "a truncated datagram from a record captured whole")
      precondition(datagram.length <= 65_535 - 8, "UDP length longer than IP allows")
    }
    // The tools sort every datagram, whole or cut short, as RTP or not: never past its bytes.
    if case .packet(let packet) = RTPPayload(sorting: datagram) {
      precondition(packet.headerLength <= datagram.payload.count, "RTP header past the bytes")
      _ = touch(packet.payload)
    }
    precondition(datagram.timestamp == timestamp, "datagram time differs from its record's")
    precondition(datagram.payload.count <= 65_535 - 8, "UDP payload longer than IP allows")
    if case .v4 = datagram.source.address {
      precondition(datagram.payload.count <= 65_535 - 28, "UDP payload longer than IPv4 allows")
    }
    guard
      !mixed,
      datagram.source.address == .v4(IPv4Address(rawValue: writtenSource))
        || datagram.source.address == .v6(writtenSource6Address)
    else {
      continue
    }
    let id = Int(datagram.source.port) - 1000
    precondition((0..<16).contains(id), "written datagram from port \(datagram.source.port)")
    precondition(datagram.destination.port == 2000)
    precondition(
      datagram.payload.count == udpLength(id) - 8,
      "datagram \(id): \(datagram.payload.count) bytes, not \(udpLength(id) - 8)")
    let expected = written[id].withUnsafeBytes { bytes in
      memcmp(bytes.baseAddress! + 8, datagram.payload.baseAddress!, datagram.payload.count)
    }
    precondition(expected == 0, "datagram \(id): its bytes differ from those written")
  }
  let accounted = decoder.fragmentsReassembled + decoder.fragmentsSkipped.total
  precondition(held == accounted, "\(held) fragments held, \(accounted) accounted for")
  return 0
}
