import COpenCoreAMR

/// AMR and AMR-WB (RFC 4867) through opencore-amrnb and opencore-amrwb: mono, 8000 Hz (`AMR`)
/// or 16000 Hz (`AMR-WB`) on a clock of the same rate, bandwidth-efficient payloads unless the
/// format parameters say `octet-align=1`, any number of 20 ms frames per payload.
///
/// A frame marked damaged (Q=0) and a lost packet's frames are decoded as bad frames, which the
/// library conceals from the codec's history; NO_DATA and comfort-noise (SID) frames decode to
/// the library's comfort noise, a frame's length each. Interleaving, `crc=1` and
/// `robust-sorting=1` are refused when the decoder is made.
public final class AMRAudioDecoder: AudioDecoder {
  public let format: PayloadFormat
  public var sampleRate: Int { layout.variant.sampleRate }
  public var channels: Int { 1 }
  public var concealsLoss: Bool { true }
  private let layout: AMRPayloadLayout
  private var state: UnsafeMutableRawPointer
  private let storage: UnsafeMutableRawBufferPointer
  private let spare: UnsafeMutableBufferPointer<Int16>

  /// opencore-amrwb's frame indicators (dec_if.c): a damaged frame, a lost one.
  private static let widebandBadFrame: Int32 = 1
  private static let widebandLostFrame: Int32 = 2

  /// A decoder of `format`, `AMR/8000` or `AMR-WB/16000` with its parameters.
  ///
  /// - Throws: ``CodecError/invalidParameters(_:_:)`` for another clock, name or channel count;
  ///   ``CodecError/unsupported(_:_:)`` for interleaving, `crc=1` or `robust-sorting=1`;
  ///   ``CodecError/library(call:message:)`` when the library cannot make a decoder.
  public init(format: PayloadFormat) throws(CodecError) {
    let variant: AMRVariant
    switch format.normalizedName {
    case "amr": variant = .narrowband
    case "amr-wb": variant = .wideband
    default: throw .invalidParameters(format, "not AMR or AMR-WB")
    }
    layout = try AMRPayloadLayout(format: format, variant: variant)
    self.format = format
    guard let made = Self.makeState(variant) else {
      throw .library(
        call: variant == .narrowband ? "Decoder_Interface_init" : "D_IF_init",
        message: "no decoder state")
    }
    state = made
    storage = .allocate(
      byteCount: AMRPayloadLayout.maximumFrames * AMRPayloadLayout.storageStride, alignment: 8)
    storage.initializeMemory(as: UInt8.self, repeating: 0)
    spare = .allocate(capacity: variant.frameSize)
    spare.initialize(repeating: 0)
  }

  deinit {
    Self.freeState(state, layout.variant)
    storage.deallocate()
    spare.deallocate()
  }

  public func maximumFrames(payloadBytes: Int) -> Int {
    // Each frame has a table-of-contents entry of 6 bits at least.
    let entries = min(max((payloadBytes * 8 - 4) / 6, 1), AMRPayloadLayout.maximumFrames)
    return entries * layout.variant.frameSize
  }

  public func decode(
    _ payload: UnsafeRawBufferPointer, into output: UnsafeMutableBufferPointer<Int16>
  ) throws(CodecError) -> Int {
    let count = try layout.unpack(payload, into: storage)
    let size = layout.variant.frameSize
    for index in 0..<count {
      let frame = storage.baseAddress! + index * AMRPayloadLayout.storageStride
      let header = frame.load(as: UInt8.self)
      let damaged = header & 0x04 == 0 && Int(header >> 3) != AMRVariant.noData
      decodeFrame(frame, bad: damaged, into: output.baseAddress! + index * size)
    }
    return count * size
  }

  /// Frames not sent are NO_DATA frames, as a 3GPP receiver takes them: after a SID the
  /// library goes on with the comfort noise it described, after speech it fades out as it does.
  public func comfortNoise(frames: Int, into output: UnsafeMutableBufferPointer<Int16>) -> Int {
    let size = layout.variant.frameSize
    let frame = storage.baseAddress!
    var written = 0
    while written < frames {
      frame.storeBytes(of: UInt8(AMRVariant.noData << 3 | 0x04), as: UInt8.self)
      let step = min(size, frames - written)
      if step == size {
        decodeFrame(frame, bad: false, into: output.baseAddress! + written)
      } else {
        decodeFrame(frame, bad: false, into: spare.baseAddress!)
        (output.baseAddress! + written).update(from: spare.baseAddress!, count: step)
      }
      written += step
    }
    return frames
  }

  public func conceal(
    frames: Int, next: UnsafeRawBufferPointer?, into output: UnsafeMutableBufferPointer<Int16>
  ) -> Int {
    let size = layout.variant.frameSize
    let frame = storage.baseAddress!
    var written = 0
    while written < frames {
      frame.storeBytes(of: UInt8(AMRVariant.noData << 3 | 0x04), as: UInt8.self)
      let step = min(size, frames - written)
      if step == size {
        decodeLost(frame, into: output.baseAddress! + written)
      } else {
        decodeLost(frame, into: spare.baseAddress!)
        (output.baseAddress! + written).update(from: spare.baseAddress!, count: step)
      }
      written += step
    }
    return frames
  }

  public func reset() {
    guard let fresh = Self.makeState(layout.variant) else { return }
    Self.freeState(state, layout.variant)
    state = fresh
  }

  /// Decodes one storage-format frame (the library may rewrite its first byte).
  private func decodeFrame(
    _ frame: UnsafeMutableRawPointer, bad: Bool, into output: UnsafeMutablePointer<Int16>
  ) {
    let bytes = frame.assumingMemoryBound(to: UInt8.self)
    switch layout.variant {
    case .narrowband:
      Decoder_Interface_Decode(state, bytes, output, bad ? 1 : 0)
    case .wideband:
      D_IF_decode(state, bytes, output, bad ? Self.widebandBadFrame : Int32(_good_frame))
    }
  }

  private func decodeLost(
    _ frame: UnsafeMutableRawPointer, into output: UnsafeMutablePointer<Int16>
  ) {
    let bytes = frame.assumingMemoryBound(to: UInt8.self)
    switch layout.variant {
    case .narrowband: Decoder_Interface_Decode(state, bytes, output, 1)
    case .wideband: D_IF_decode(state, bytes, output, Self.widebandLostFrame)
    }
  }

  private static func makeState(_ variant: AMRVariant) -> UnsafeMutableRawPointer? {
    variant == .narrowband ? Decoder_Interface_init() : D_IF_init()
  }

  private static func freeState(_ state: UnsafeMutableRawPointer, _ variant: AMRVariant) {
    if variant == .narrowband { Decoder_Interface_exit(state) } else { D_IF_exit(state) }
  }
}
