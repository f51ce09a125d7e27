import COpenCoreAMR

/// AMR (RFC 4867) through opencore-amrnb and AMR-WB through vo-amrwbenc: mono 20 ms frames at
/// 8000 or 16000 Hz, 1 to 20 of them a packet, in bandwidth-efficient payloads unless the format
/// parameters say `octet-align=1`, with no codec mode request (CMR 15).
///
/// The mode is the fastest at or below the settings' bit rate (AMR's 4.75 to 12.2 kbit/s,
/// AMR-WB's 6.6 to 23.85 kbit/s), by default the fastest. With DTX the library sends SID frames
/// in silence and NO_DATA between them; a packet of NO_DATA frames alone is not sent.
public final class AMRAudioEncoder: AudioEncoder {
  public let format: PayloadFormat
  public var sampleRate: Int { layout.variant.sampleRate }
  public var channels: Int { 1 }
  public var frameSize: Int { layout.variant.frameSize }
  /// The bit rate encoded, in bits per second.
  public var bitrate: Int { layout.variant.bitrates[mode] }
  private let layout: AMRPayloadLayout
  private let mode: Int
  private let discontinuous: Bool
  private var state: UnsafeMutableRawPointer
  private let storage: UnsafeMutableRawBufferPointer

  /// The most frames a packet holds: 400 ms.
  public static let maximumPacketFrames = 20

  /// An encoder of `format` (`AMR/8000` or `AMR-WB/16000`) with `settings`' bit rate and DTX.
  ///
  /// - Throws: ``CodecError/invalidParameters(_:_:)`` for another clock or channel count, or a
  ///   bit rate below the slowest mode; ``CodecError/unsupported(_:_:)`` for interleaving,
  ///   `crc=1` or `robust-sorting=1`; ``CodecError/library(call:message:)`` when the library
  ///   cannot make an encoder.
  public init(format: PayloadFormat, settings: EncoderSettings) throws(CodecError) {
    let variant: AMRVariant
    switch format.normalizedName {
    case "amr": variant = .narrowband
    case "amr-wb": variant = .wideband
    default: throw .invalidParameters(format, "not AMR or AMR-WB")
    }
    layout = try AMRPayloadLayout(format: format, variant: variant)
    let rates = variant.bitrates
    if let wanted = settings.bitrate {
      guard let chosen = rates.lastIndex(where: { $0 <= wanted }) else {
        throw .invalidParameters(
          format,
          "an \(variant.name) bit rate is at least \(rates[0]) bit/s (its modes are "
            + rates.map { String(Double($0) / 1000) }.joined(separator: ", ") + " kbit/s)")
      }
      mode = chosen
    } else {
      mode = rates.count - 1
    }
    self.format = format
    discontinuous = settings.discontinuousTransmission
    guard let made = Self.makeState(variant, discontinuous: discontinuous) else {
      throw .library(
        call: variant == .narrowband ? "Encoder_Interface_init" : "E_IF_init",
        message: "no encoder state")
    }
    state = made
    storage = .allocate(
      byteCount: Self.maximumPacketFrames * AMRPayloadLayout.storageStride, alignment: 8)
    storage.initializeMemory(as: UInt8.self, repeating: 0)
  }

  deinit {
    Self.freeState(state, layout.variant)
    storage.deallocate()
  }

  public func problem(packetFrames frames: Int) -> String? {
    guard frames % frameSize == 0, (1...Self.maximumPacketFrames).contains(frames / frameSize)
    else {
      return "an \(layout.variant.name) packet is 1 to \(Self.maximumPacketFrames) frames of 20 ms"
    }
    return nil
  }

  public func maximumPayloadBytes(frames: Int) -> Int {
    layout.maximumPayloadBytes(frames: max(frames / frameSize, 1))
  }

  public func encode(
    _ samples: UnsafeBufferPointer<Int16>, into payload: UnsafeMutableRawBufferPointer
  ) throws(CodecError) -> Int {
    guard let input = samples.baseAddress else { return 0 }
    let count = min(samples.count / frameSize, Self.maximumPacketFrames)
    guard count > 0 else { return 0 }
    var speaking = false
    for index in 0..<count {
      let frame = (storage.baseAddress! + index * AMRPayloadLayout.storageStride)
        .assumingMemoryBound(to: UInt8.self)
      let speech = input + index * frameSize
      let made: Int32
      switch layout.variant {
      case .narrowband:
        made = Encoder_Interface_Encode(state, Mode(rawValue: UInt32(mode)), speech, frame, 0)
      case .wideband:
        made = E_IF_encode(state, Int32(mode), speech, frame, discontinuous ? 1 : 0)
      }
      guard made >= 1 else {
        throw .library(
          call: layout.variant == .narrowband ? "Encoder_Interface_Encode" : "E_IF_encode",
          message: "returned \(made)")
      }
      if Int(frame[0] >> 3 & 0x0F) != AMRVariant.noData { speaking = true }
    }
    if discontinuous && !speaking { return 0 }
    return layout.pack(UnsafeRawBufferPointer(storage), count: count, request: 15, into: payload)
  }

  public func reset() {
    guard let fresh = Self.makeState(layout.variant, discontinuous: discontinuous) else { return }
    Self.freeState(state, layout.variant)
    state = fresh
  }

  private static func makeState(_ variant: AMRVariant, discontinuous: Bool)
    -> UnsafeMutableRawPointer?
  {
    variant == .narrowband ? Encoder_Interface_init(discontinuous ? 1 : 0) : E_IF_init()
  }

  private static func freeState(_ state: UnsafeMutableRawPointer, _ variant: AMRVariant) {
    if variant == .narrowband { Encoder_Interface_exit(state) } else { E_IF_exit(state) }
  }
}
