/// The RTP payload format of RFC 4867 for one payload type: bandwidth-efficient (the default)
/// or octet-aligned (`octet-align=1`), and the conversion between its payloads and the storage
/// format the AMR libraries read and write (§5: a TOC byte `0 FT Q 0 0`, then the speech bits
/// padded to whole bytes).
///
/// A payload is a codec mode request (CMR, 4 bits), a table of contents with one entry per
/// frame (F: another follows, FT: frame type, Q: frame quality), then each frame's speech bits
/// in order. Bandwidth-efficient packs all of it without padding (6-bit entries) and pads the
/// end to a byte; octet-aligned gives the CMR, each entry and each frame whole bytes.
/// Interleaving, CRCs and robust sorting are refused.
struct AMRPayloadLayout: Sendable, Hashable {
  let variant: AMRVariant
  let octetAligned: Bool

  /// The most frames one payload may hold here: 1.28 s, more than any sender puts in a packet.
  static let maximumFrames = 64
  /// The bytes each frame takes in a storage buffer: the largest storage frame, rounded up.
  static let storageStride = 64

  init(variant: AMRVariant, octetAligned: Bool) {
    self.variant = variant
    self.octetAligned = octetAligned
  }

  /// The layout `format`'s parameters choose.
  ///
  /// - Throws: ``CodecError/invalidParameters(_:_:)`` for a clock or channel count AMR does not
  ///   have, ``CodecError/unsupported(_:_:)`` for interleaving, `crc=1` or
  ///   `robust-sorting=1`.
  init(format: PayloadFormat, variant: AMRVariant) throws(CodecError) {
    guard format.clockRate == variant.sampleRate else {
      throw .invalidParameters(
        format, "\(variant.name)'s RTP clock is \(variant.sampleRate) (RFC 4867)")
    }
    guard format.channels == 1 else {
      throw .invalidParameters(format, "\(variant.name) is handled in mono only")
    }
    let parameters = format.parameters
    if parameters["interleaving"] != nil {
      throw .unsupported(format, "interleaving= (RFC 4867 §4.4.5) is not supported")
    }
    if parameters["crc"] == "1" {
      throw .unsupported(format, "crc=1 (RFC 4867 §4.4.2.1) is not supported")
    }
    if parameters["robust-sorting"] == "1" {
      throw .unsupported(format, "robust-sorting=1 (RFC 4867 §4.4.1) is not supported")
    }
    self.init(variant: variant, octetAligned: parameters["octet-align"] == "1")
  }

  /// Reads `payload` into storage-format frames in `storage`, one every ``storageStride``
  /// bytes (room for ``maximumFrames``), and returns how many there are. Nothing is written
  /// past the frames returned.
  ///
  /// - Throws: ``CodecError/corrupt(_:)`` for a payload shorter than its table of contents or
  ///   its speech bits, a reserved frame type or too many frames.
  func unpack(_ payload: UnsafeRawBufferPointer, into storage: UnsafeMutableRawBufferPointer)
    throws(CodecError) -> Int
  {
    var reader = AMRBitReader(payload)
    let entryBits = octetAligned ? 8 : 6
    guard reader.remaining >= (octetAligned ? 8 : 4) + entryBits else {
      throw .corrupt(
        "an \(variant.name) payload of \(payload.count) bytes has no table of contents")
    }
    _ = reader.read(4)
    if octetAligned { _ = reader.read(4) }
    var count = 0
    var follows = true
    while follows {
      guard reader.remaining >= entryBits else {
        throw .corrupt("\(variant.name) table of contents truncated after \(count) entries")
      }
      guard count < Self.maximumFrames else {
        throw .corrupt("more than \(Self.maximumFrames) \(variant.name) frames in one payload")
      }
      follows = reader.read(1) == 1
      let frameType = reader.read(4)
      let quality = reader.read(1)
      if octetAligned { _ = reader.read(2) }
      guard variant.speechBits(frameType: frameType) != nil else {
        throw .corrupt("\(variant.name) frame type \(frameType) is not one a payload carries")
      }
      storage[count * Self.storageStride] = UInt8(frameType << 3 | quality << 2)
      count += 1
    }
    for index in 0..<count {
      let offset = index * Self.storageStride
      let bits = variant.speechBits(frameType: Int(storage[offset] >> 3))!
      let needed = octetAligned ? (bits + 7) & ~7 : bits
      guard reader.remaining >= needed else {
        throw .corrupt(
          "\(variant.name) frame \(index + 1) of \(count) needs \(bits) bits, "
            + "\(max(reader.remaining, 0)) are left")
      }
      reader.copy(bits, to: storage.baseAddress! + offset + 1)
      if octetAligned { reader.align() }
    }
    return count
  }

  /// Writes `count` storage-format frames from `storage` (one every ``storageStride`` bytes)
  /// as one payload with codec mode request `request` into `payload` (at least
  /// ``maximumPayloadBytes(frames:)`` bytes) and returns its length.
  func pack(
    _ storage: UnsafeRawBufferPointer, count: Int, request: Int,
    into payload: UnsafeMutableRawBufferPointer
  ) -> Int {
    var writer = AMRBitWriter(payload)
    writer.write(request, 4)
    if octetAligned { writer.write(0, 4) }
    for index in 0..<count {
      let header = Int(storage[index * Self.storageStride])
      writer.write(index < count - 1 ? 1 : 0, 1)
      writer.write(header >> 3 & 0x0F, 4)
      writer.write(header >> 2 & 1, 1)
      if octetAligned { writer.write(0, 2) }
    }
    for index in 0..<count {
      let offset = index * Self.storageStride
      let bits = variant.speechBits(frameType: Int(storage[offset] >> 3 & 0x0F)) ?? 0
      writer.copy(bits, from: storage.baseAddress! + offset + 1)
      if octetAligned { writer.align() }
    }
    writer.align()
    return writer.byteCount
  }

  /// The largest payload of `frames` frames.
  func maximumPayloadBytes(frames: Int) -> Int { 2 + frames * (variant.maximumStorageBytes + 1) }
}
