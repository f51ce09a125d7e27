// libFuzzer target: capture sniffing, the pcap, pcapng and rtpdump readers, then link, IP and UDP
// decoding (with fragment reassembly) and RTP validation of every record, as rtpjb reads a capture.
//
// An input is a capture file as the tools read it, so a crash input can be fed to rtpjb as is.
// Each input is read twice: from memory held exactly (AddressSanitizer then reports any read
// past the input) and in small chunks through a small buffer (so refills, moves and growth run).
// Both readings must return the same records and datagrams and end with the same error.
//
// Built by scripts/fuzz with RTPCore's sources in one module, so internal API is in reach.

/// FNV-1a over 64-bit words (then the odd bytes and the length), to compare what two readings
/// returned without keeping the bytes. A word at a time: the fuzzer's instrumentation of this
/// loop costs per iteration, and per byte it was a fifth of the target's time.
struct Digest: Equatable {
  private(set) var value: UInt64 = 0xCBF2_9CE4_8422_2325

  mutating func add(_ bytes: UnsafeRawBufferPointer) {
    let words = bytes.count / 8
    var hash = value
    for index in 0..<words {
      hash =
        (hash ^ bytes.loadUnaligned(fromByteOffset: index * 8, as: UInt64.self))
        &* 0x0000_0100_0000_01B3
    }
    for index in (words * 8)..<bytes.count {
      hash = (hash ^ UInt64(bytes[index])) &* 0x0000_0100_0000_01B3
    }
    value = (hash ^ UInt64(bytes.count)) &* 0x0000_0100_0000_01B3
  }

  mutating func add(_ number: UInt64) {
    value = (value ^ number) &* 0x0000_0100_0000_01B3
  }
}

/// What one reading of a capture returned.
struct Reading: Equatable {
  var format: CaptureFormat?
  var records = 0
  var datagrams = 0
  var skipped = 0
  var held = 0
  var rtp = 0
  var digest = Digest()
  var failure: CaptureError?
}

func read(_ source: InputSource) -> Reading {
  var reading = Reading()
  let reader: CaptureReader
  do {
    reader = try CaptureReader(source: source)
  } catch {
    reading.failure = error
    return reading
  }
  reading.format = reader.format
  let decoder = DatagramDecoder(maxDatagramsInProgress: 4)
  do {
    while let record = try reader.next() {
      reading.records += 1
      precondition(record.index == reading.records, "record index \(record.index)")
      precondition(record.bytes.count <= Int(CaptureLimits.maxPacketLength), "record too long")
      reading.digest.add(UInt64(bitPattern: record.timestamp))
      reading.digest.add(UInt64(record.linkType.rawValue))
      reading.digest.add(UInt64(record.offset))
      reading.digest.add(UInt64(record.originalLength))
      reading.digest.add(record.bytes)
      switch decoder.decode(record) {
      case .datagram(let datagram):
        reading.datagrams += 1
        reading.digest.add(datagram.payload)
        reading.digest.add(UInt64(datagram.source.port) << 16 | UInt64(datagram.destination.port))
        if let packet = try? RTPPacket(validating: datagram.payload) {
          reading.rtp += 1
          reading.digest.add(packet.payload)
          reading.digest.add(UInt64(packet.ssrc))
        }
      case .skipped:
        reading.skipped += 1
      case .held:
        reading.held += 1
      }
      precondition(decoder.datagramsInProgress <= 4, "reassembly table over capacity")
    }
    // The clean end stays the end.
    precondition((try? reader.next()) == nil, "a record after the end")
  } catch {
    reading.failure = error
    // After an error, every later call throws the same error.
    do {
      _ = try reader.next()
      preconditionFailure("no error after \(error)")
    } catch let again {
      precondition(again == error, "\(again) after \(error)")
    }
  }
  return reading
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
  let input = UnsafeRawBufferPointer(start: data, count: size)
  let whole = read(InputSource(bytes: input))
  let chunked = read(InputSource(bytes: input, chunk: 1 + size % 61, capacity: 1 + size % 97))
  if Compression(sniffing: UnsafeRawBufferPointer(rebasing: input.prefix(Compression.magicLength)))
    != nil
  {
    // A damaged compressed stream decodes to the same bytes whichever way it arrives, but how
    // many of them come out before the library notices the damage depends on how much input it
    // was given at once: both readings must fail, or both succeed alike.
    precondition(
      (whole.failure == nil) == (chunked.failure == nil),
      "read whole: \(whole)\nread in chunks: \(chunked)")
    if whole.failure != nil { return 0 }
  }
  precondition(whole == chunked, "read whole: \(whole)\nread in chunks: \(chunked)")
  return 0
}
