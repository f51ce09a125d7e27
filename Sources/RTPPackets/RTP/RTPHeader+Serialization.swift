import RTPBase

extension RTPHeader {
  /// Writes a whole RTP packet, this header then `payload` then `paddingLength` bytes of padding
  /// (setting the padding bit), into the start of `buffer`. Returns the packet's length.
  public func serialize(
    payload: UnsafeRawBufferPointer, paddingLength: Int = 0,
    into buffer: UnsafeMutableRawBufferPointer
  ) throws(RTPSerializationError) -> Int {
    guard (0...255).contains(paddingLength) else { throw .paddingOutOfRange(paddingLength) }
    let headerLength = try validate()
    let total = headerLength + payload.count + paddingLength
    guard total <= buffer.count else {
      throw .bufferTooSmall(needed: total, available: buffer.count)
    }
    writeHeader(into: buffer, padding: paddingLength > 0)
    if !payload.isEmpty {
      UnsafeMutableRawBufferPointer(rebasing: buffer[headerLength...]).copyMemory(from: payload)
    }
    if paddingLength > 0 {
      let padStart = headerLength + payload.count
      for index in padStart..<(total - 1) { buffer[index] = 0 }
      buffer[total - 1] = UInt8(paddingLength)
    }
    return total
  }

  /// Writes the header alone into the start of `buffer`, padding bit clear. Returns its length.
  public func serialize(into buffer: UnsafeMutableRawBufferPointer) throws(RTPSerializationError)
    -> Int
  {
    let headerLength = try validate()
    guard headerLength <= buffer.count else {
      throw .bufferTooSmall(needed: headerLength, available: buffer.count)
    }
    writeHeader(into: buffer, padding: false)
    return headerLength
  }

  /// A new array holding the packet: this header, `payload` and optional padding.
  public func serialized(payload: [UInt8] = [], paddingLength: Int = 0)
    throws(RTPSerializationError) -> [UInt8]
  {
    let total = length + payload.count + paddingLength
    var bytes = [UInt8](repeating: 0, count: total)
    var failure: RTPSerializationError?
    bytes.withUnsafeMutableBytes { buffer in
      payload.withUnsafeBytes { payloadBytes in
        do throws(RTPSerializationError) {
          _ = try serialize(payload: payloadBytes, paddingLength: paddingLength, into: buffer)
        } catch {
          failure = error
        }
      }
    }
    if let failure { throw failure }
    return bytes
  }

  private func validate() throws(RTPSerializationError) -> Int {
    guard csrcs.count <= 15 else { throw .tooManyCSRCs(csrcs.count) }
    guard payloadType <= 127 else { throw .payloadTypeOutOfRange(Int(payloadType)) }
    if let headerExtension {
      let count = headerExtension.data.count
      guard count % 4 == 0, count / 4 <= 0xFFFF else { throw .extensionLength(count) }
    }
    return length
  }

  private func writeHeader(into buffer: UnsafeMutableRawBufferPointer, padding: Bool) {
    var first: UInt8 = 0x80 | UInt8(csrcs.count)
    if padding { first |= 0x20 }
    if headerExtension != nil { first |= 0x10 }
    buffer[0] = first
    buffer[1] = (marker ? 0x80 : 0) | payloadType
    buffer.storeBigEndian(sequenceNumber, at: 2)
    buffer.storeBigEndian(timestamp, at: 4)
    buffer.storeBigEndian(ssrc, at: 8)
    var offset = 12
    for csrc in csrcs {
      buffer.storeBigEndian(csrc, at: offset)
      offset += 4
    }
    if let headerExtension {
      buffer.storeBigEndian(headerExtension.profile, at: offset)
      buffer.storeBigEndian(UInt16(headerExtension.data.count / 4), at: offset + 2)
      offset += 4
      for byte in headerExtension.data {
        buffer[offset] = byte
        offset += 1
      }
    }
  }
}
