import RTPBase
import RTPIO

/// Reads pcapng: sections (each a section header block and its own byte order), interface
/// description blocks, and enhanced, simple and obsolete packet blocks. Other blocks are skipped
/// by their length. Every block's lengths are checked before its contents are read.
final class PcapngReader: CaptureFormatReader {
  private static let sectionHeaderType: UInt32 = 0x0A0D_0D0A
  private static let byteOrderMagic: UInt32 = 0x1A2B_3C4D
  private static let interfaceDescriptionType: UInt32 = 1
  private static let obsoletePacketType: UInt32 = 2
  private static let simplePacketType: UInt32 = 3
  private static let enhancedPacketType: UInt32 = 6

  private let source: InputSource
  // Stored state below is exempt from run-time exclusivity checks: only this type's own
  // methods touch it, on one thread (docs/ARCHITECTURE.md, Performance conventions).
  @exclusivity(unchecked) private var bigEndian = false
  @exclusivity(unchecked) private var interfaces: [PcapngInterface] = []
  @exclusivity(unchecked) private var pendingConsume = 0
  @exclusivity(unchecked) private var blockCount = 0
  @exclusivity(unchecked) private var packetCount = 0
  @exclusivity(unchecked) private var lastTimestamp: Int64 = 0

  /// Prepares to read; `source` must start with a section header block, which ``next()`` reads.
  init(source: InputSource) {
    self.source = source
  }

  func next() throws(CaptureError) -> CaptureRecord? {
    while true {
      if pendingConsume > 0 {
        source.consume(pendingConsume)
        pendingConsume = 0
      }
      let offset = source.offset
      let head = try source.capturePeek(12)
      if head.isEmpty { return nil }
      blockCount += 1
      let location = CaptureLocation.block(index: blockCount, offset: offset)
      guard head.count >= 12 else {
        throw .truncated(at: location, got: head.count, expected: 12)
      }
      let type: UInt32
      if head.loadBigEndian(as: UInt32.self, at: 0) == Self.sectionHeaderType {
        type = Self.sectionHeaderType
        switch head.loadBigEndian(as: UInt32.self, at: 8) {
        case Self.byteOrderMagic: bigEndian = true
        case Self.byteOrderMagic.byteSwapped: bigEndian = false
        default:
          let magic = hex(head.loadBigEndian(as: UInt32.self, at: 8))
          throw .malformed(at: location, reason: "bad byte-order magic \(magic)")
        }
      } else {
        guard blockCount > 1 else {
          throw .malformed(at: location, reason: "first block is not a section header")
        }
        type = head.loadInteger(as: UInt32.self, at: 0, bigEndian: bigEndian)
      }
      let length = head.loadInteger(as: UInt32.self, at: 4, bigEndian: bigEndian)
      guard length >= 12, length % 4 == 0 else {
        throw .malformed(
          at: location, reason: "block length \(length) is not a multiple of 4 of at least 12")
      }
      guard length <= CaptureLimits.maxBlockLength else {
        throw .malformed(
          at: location,
          reason: "block length \(length) exceeds the limit of \(CaptureLimits.maxBlockLength)")
      }
      switch type {
      case Self.sectionHeaderType:
        try readSectionHeader(length: Int(length), location: location)
      case Self.interfaceDescriptionType:
        try readInterfaceDescription(length: Int(length), location: location)
      case Self.enhancedPacketType, Self.obsoletePacketType, Self.simplePacketType:
        return try readPacket(type: type, length: Int(length), location: location)
      default:
        try skipBlock(length: length, location: location)
      }
    }
  }

  /// Peeks the whole block and checks that its trailing length repeats the leading one.
  private func peekBlock(
    length: Int, minimum: Int, location: CaptureLocation
  ) throws(CaptureError) -> UnsafeRawBufferPointer {
    guard length >= minimum else {
      throw .malformed(
        at: location, reason: "block length \(length) is shorter than the minimum \(minimum)")
    }
    let block = try source.capturePeek(length)
    guard block.count >= length else {
      throw .truncated(at: location, got: block.count, expected: length)
    }
    let trailer = block.loadInteger(as: UInt32.self, at: length - 4, bigEndian: bigEndian)
    guard trailer == UInt32(length) else {
      throw .malformed(
        at: location,
        reason: "trailing block length \(trailer) differs from leading length \(length)")
    }
    return UnsafeRawBufferPointer(rebasing: block[0..<length])
  }

  private func readSectionHeader(length: Int, location: CaptureLocation) throws(CaptureError) {
    let block = try peekBlock(length: length, minimum: 28, location: location)
    let major = block.loadInteger(as: UInt16.self, at: 12, bigEndian: bigEndian)
    let minor = block.loadInteger(as: UInt16.self, at: 14, bigEndian: bigEndian)
    guard major == 1 else {
      throw .malformed(at: location, reason: "unsupported pcapng version \(major).\(minor)")
    }
    interfaces.removeAll(keepingCapacity: true)
    pendingConsume = length
  }

  private func readInterfaceDescription(
    length: Int, location: CaptureLocation
  ) throws(CaptureError) {
    let block = try peekBlock(length: length, minimum: 20, location: location)
    guard interfaces.count < CaptureLimits.maxInterfaces else {
      throw .malformed(
        at: location,
        reason: "more than \(CaptureLimits.maxInterfaces) interfaces in one section")
    }
    var interface = PcapngInterface(
      linkType: LinkType(
        rawValue: UInt32(block.loadInteger(as: UInt16.self, at: 8, bigEndian: bigEndian))),
      snaplen: CaptureLimits.effectiveSnaplen(
        block.loadInteger(as: UInt32.self, at: 12, bigEndian: bigEndian)))
    var position = 16
    let end = length - 4
    while position + 4 <= end {
      let code = block.loadInteger(as: UInt16.self, at: position, bigEndian: bigEndian)
      let valueLength = Int(
        block.loadInteger(as: UInt16.self, at: position + 2, bigEndian: bigEndian))
      if code == 0 { break }
      let value = position + 4
      guard value + valueLength <= end else {
        throw .malformed(
          at: location, reason: "option \(code) of \(valueLength) bytes overruns the block")
      }
      switch code {
      case 9 where valueLength >= 1:
        interface.resolution = block[value]
      case 14 where valueLength >= 8:
        interface.offsetSeconds = Int64(
          bitPattern: block.loadInteger(as: UInt64.self, at: value, bigEndian: bigEndian))
      default:
        break
      }
      position = value + ((valueLength + 3) & ~3)
    }
    interfaces.append(interface)
    pendingConsume = length
  }

  private func readPacket(
    type: UInt32, length: Int, location: CaptureLocation
  ) throws(CaptureError) -> CaptureRecord {
    let minimum = type == Self.simplePacketType ? 16 : 32
    let block = try peekBlock(length: length, minimum: minimum, location: location)
    let interfaceID: Int
    let dataOffset: Int
    var caplen: UInt32
    let origlen: UInt32
    var timestamp = lastTimestamp
    switch type {
    case Self.simplePacketType:
      interfaceID = 0
      dataOffset = 12
      origlen = block.loadInteger(as: UInt32.self, at: 8, bigEndian: bigEndian)
      caplen = min(origlen, UInt32(length - 16))
    default:
      interfaceID =
        type == Self.enhancedPacketType
        ? Int(block.loadInteger(as: UInt32.self, at: 8, bigEndian: bigEndian))
        : Int(block.loadInteger(as: UInt16.self, at: 8, bigEndian: bigEndian))
      dataOffset = 28
      caplen = block.loadInteger(as: UInt32.self, at: 20, bigEndian: bigEndian)
      origlen = block.loadInteger(as: UInt32.self, at: 24, bigEndian: bigEndian)
    }
    guard interfaceID < interfaces.count else {
      throw .malformed(
        at: location,
        reason: "interface \(interfaceID) does not exist (section has \(interfaces.count))")
    }
    let interface = interfaces[interfaceID]
    if type == Self.simplePacketType {
      caplen = min(caplen, interface.snaplen)
    } else {
      guard caplen <= interface.snaplen else {
        throw .caplenExceedsSnaplen(at: location, caplen: caplen, snaplen: interface.snaplen)
      }
      guard dataOffset + Int(caplen) <= length - 4 else {
        throw .malformed(
          at: location, reason: "captured length \(caplen) overruns the block length \(length)")
      }
      let ticks =
        UInt64(block.loadInteger(as: UInt32.self, at: 12, bigEndian: bigEndian)) << 32
        | UInt64(block.loadInteger(as: UInt32.self, at: 16, bigEndian: bigEndian))
      guard let time = interface.time(fromTicks: ticks) else {
        throw .timestampOutOfRange(at: .record(index: packetCount + 1, offset: source.offset))
      }
      timestamp = time.nanoseconds
      lastTimestamp = timestamp
    }
    packetCount += 1
    pendingConsume = length
    let end = dataOffset + Int(caplen)
    return CaptureRecord(
      index: packetCount, offset: source.offset, timestamp: timestamp,
      linkType: interface.linkType, originalLength: max(Int(origlen), Int(caplen)),
      bytes: UnsafeRawBufferPointer(rebasing: block[dataOffset..<end]))
  }

  /// Skips a block this reader does not use without buffering it, then checks its trailer.
  private func skipBlock(length: UInt32, location: CaptureLocation) throws(CaptureError) {
    let body = UInt64(length) - 4
    let skipped = try source.captureSkip(body)
    let trailer = try source.capturePeek(4)
    guard skipped == body, trailer.count >= 4 else {
      throw .truncated(
        at: location, got: Int(skipped) + trailer.count, expected: Int(length))
    }
    let value = trailer.loadInteger(as: UInt32.self, at: 0, bigEndian: bigEndian)
    guard value == length else {
      throw .malformed(
        at: location,
        reason: "trailing block length \(value) differs from leading length \(length)")
    }
    pendingConsume = 4
  }

  private func hex(_ value: UInt32) -> String {
    let digits = String(value, radix: 16)
    return "0x" + String(repeating: "0", count: max(0, 8 - digits.count)) + digits
  }
}
