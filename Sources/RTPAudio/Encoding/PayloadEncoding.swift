import RTPBase

/// How audio samples are carried in an RTP payload, for the codecs the generator synthesises.
public enum PayloadEncoding: String, Sendable, CaseIterable, CustomStringConvertible {
  /// G.711 µ-law, one octet a sample (PCMU, static payload type 0).
  case pcmu
  /// G.711 A-law, one octet a sample (PCMA, static payload type 8).
  case pcma
  /// 16-bit linear PCM in network byte order (L16, RFC 3551 section 4.5.11).
  case l16

  public var description: String { rawValue }

  /// The encoding RFC 3551 assigns to a static payload type, `nil` for others.
  public init?(staticPayloadType: UInt8) {
    switch staticPayloadType {
    case 0: self = .pcmu
    case 8: self = .pcma
    case 10, 11: self = .l16
    default: return nil
    }
  }

  /// Octets one sample takes.
  public var bytesPerSample: Int {
    self == .l16 ? 2 : 1
  }

  /// The octet pattern of digital silence: `0xFF` for µ-law, `0xD5` for A-law, zero for L16.
  public var silenceByte: UInt8 {
    switch self {
    case .pcmu: return 0xFF
    case .pcma: return 0xD5
    case .l16: return 0
    }
  }

  /// Writes `samples` encoded into the start of `buffer`, which holds
  /// `samples.count × bytesPerSample` bytes or more.
  ///
  /// - Precondition: `buffer` is that large (the caller sizes it).
  public func encode(
    _ samples: UnsafeBufferPointer<Int16>, into buffer: UnsafeMutableRawBufferPointer
  ) {
    precondition(buffer.count >= samples.count * bytesPerSample)
    switch self {
    case .pcmu:
      G711.encode(.ulaw, samples, into: buffer)
    case .pcma:
      G711.encode(.alaw, samples, into: buffer)
    case .l16:
      for index in samples.indices { buffer.storeBigEndian(samples[index], at: 2 * index) }
    }
  }

  /// The largest sample magnitude in an encoded payload; a trailing odd byte of L16 is ignored.
  public func peakMagnitude(of payload: UnsafeRawBufferPointer) -> Int {
    var peak = 0
    switch self {
    case .pcmu:
      for byte in payload { peak = max(peak, abs(Int(G711.ulawDecode(byte)))) }
    case .pcma:
      for byte in payload { peak = max(peak, abs(Int(G711.alawDecode(byte)))) }
    case .l16:
      for index in 0..<(payload.count / 2) {
        peak = max(peak, abs(Int(payload.loadBigEndian(as: Int16.self, at: 2 * index))))
      }
    }
    return peak
  }
}
