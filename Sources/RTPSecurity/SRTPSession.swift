import CSRTP
import RTPPackets

/// A libsrtp session for one direction of one key, for every SSRC: unprotects the SRTP and
/// SRTCP packets received with that key, or protects those to send (RFC 3711).
///
/// libsrtp keeps each SSRC's rollover counter and replay window; a packet failing
/// authentication or replayed is a thrown ``SRTPError`` for the caller to count, leaving the
/// session as it was. Memory is libsrtp's per-SSRC state, nothing per packet. Not for use from
/// two threads at once.
public final class SRTPSession {
  /// The key and suite the session works with.
  public let key: SRTPKey
  /// Whether the session unprotects or protects.
  public let direction: SRTPDirection
  private var context: srtp_t?

  /// The most bytes ``protect(_:)`` adds to an RTP packet and ``protectRTCP(_:)`` to an
  /// RTCP one: the room a buffer needs past the packet.
  public static let maximumTrailerLength = Int(rtpsynth_srtp_max_trailer_length()) + 4

  /// Creates a session for `key`, unprotecting (`.inbound`) or protecting (`.outbound`)
  /// packets of any SSRC, with a replay window of `replayWindow` packets (64 to 32768).
  public init(key: SRTPKey, direction: SRTPDirection = .inbound, replayWindow: Int = 1024)
    throws(SRTPError)
  {
    self.key = key
    self.direction = direction
    if let code = SRTPLibrary.initialize() { throw .library(code: code) }
    var policy = srtp_policy_t()
    key.suite.configure(rtp: &policy.rtp, rtcp: &policy.rtcp)
    policy.ssrc.type = direction == .inbound ? ssrc_any_inbound : ssrc_any_outbound
    policy.window_size = UInt(min(max(replayWindow, 64), 32768))
    policy.allow_repeat_tx = 0
    var material = key.masterKey + key.masterSalt
    var mki = key.mki
    var created: srtp_t? = nil
    let status = material.withUnsafeMutableBufferPointer { keyBytes in
      mki.withUnsafeMutableBufferPointer { mkiBytes in
        if mkiBytes.isEmpty {
          policy.key = keyBytes.baseAddress
          return srtp_create(&created, &policy)
        }
        var master = srtp_master_key_t(
          key: keyBytes.baseAddress, mki_id: mkiBytes.baseAddress,
          mki_size: UInt32(mkiBytes.count))
        return withUnsafeMutablePointer(to: &master) { masterPointer in
          var keys: UnsafeMutablePointer<srtp_master_key_t>? = masterPointer
          return withUnsafeMutablePointer(to: &keys) { list in
            policy.keys = list
            policy.num_master_keys = 1
            return srtp_create(&created, &policy)
          }
        }
      }
    }
    for index in material.indices { material[index] = 0 }
    guard status == srtp_err_status_ok, let created else {
      throw .library(code: Int(status.rawValue))
    }
    context = created
  }

  deinit {
    if let context { srtp_dealloc(context) }
  }

  private var usesMKI: UInt32 { key.mki.isEmpty ? 0 : 1 }

  /// Unprotects the SRTP packet that fills `packet`, in place, returning the length of the
  /// plain RTP packet at its start.
  public func unprotect(_ packet: UnsafeMutableRawBufferPointer) throws(SRTPError) -> Int {
    guard let base = packet.baseAddress, packet.count >= 12, packet.count <= Int(Int32.max)
    else { throw .badPacket }
    var length = Int32(packet.count)
    let status = srtp_unprotect_mki(context, base, &length, usesMKI)
    try Self.check(status)
    return Int(length)
  }

  /// Unprotects the SRTCP packet that fills `packet`, in place, returning the length of the
  /// plain RTCP compound at its start.
  public func unprotectRTCP(_ packet: UnsafeMutableRawBufferPointer) throws(SRTPError) -> Int {
    guard let base = packet.baseAddress, packet.count >= 8, packet.count <= Int(Int32.max)
    else { throw .badPacket }
    var length = Int32(packet.count)
    let status = srtp_unprotect_rtcp_mki(context, base, &length, usesMKI)
    try Self.check(status)
    return Int(length)
  }

  /// Protects the RTP packet in the first `length` bytes of `buffer`, in place, returning the
  /// SRTP packet's length; `buffer` needs ``maximumTrailerLength`` bytes past the packet.
  public func protect(_ buffer: UnsafeMutableRawBufferPointer, length: Int) throws(SRTPError)
    -> Int
  {
    guard let base = buffer.baseAddress, length >= 12,
      buffer.count - length >= Self.maximumTrailerLength, buffer.count <= Int(Int32.max)
    else { throw .badPacket }
    var size = Int32(length)
    try Self.check(srtp_protect_mki(context, base, &size, usesMKI, 0))
    return Int(size)
  }

  /// Protects the RTCP compound in the first `length` bytes of `buffer`, in place, returning
  /// the SRTCP packet's length; `buffer` needs ``maximumTrailerLength`` bytes past it.
  public func protectRTCP(_ buffer: UnsafeMutableRawBufferPointer, length: Int)
    throws(SRTPError) -> Int
  {
    guard let base = buffer.baseAddress, length >= 8,
      buffer.count - length >= Self.maximumTrailerLength, buffer.count <= Int(Int32.max)
    else { throw .badPacket }
    var size = Int32(length)
    try Self.check(srtp_protect_rtcp_mki(context, base, &size, usesMKI, 0))
    return Int(size)
  }

  /// Unprotects the SRTP packet `packet`, leaving the plain RTP packet in it.
  @discardableResult
  public func unprotect(_ packet: inout [UInt8]) throws(SRTPError) -> Int {
    try Self.shrinking(&packet) { bytes throws(SRTPError) in try unprotect(bytes) }
  }

  /// Unprotects the SRTCP packet `packet`, leaving the plain RTCP compound in it.
  @discardableResult
  public func unprotectRTCP(_ packet: inout [UInt8]) throws(SRTPError) -> Int {
    try Self.shrinking(&packet) { bytes throws(SRTPError) in try unprotectRTCP(bytes) }
  }

  /// Protects the RTP packet `packet`, leaving the SRTP packet in it.
  @discardableResult
  public func protect(_ packet: inout [UInt8]) throws(SRTPError) -> Int {
    try Self.growing(&packet) { bytes, plain throws(SRTPError) in
      try protect(bytes, length: plain)
    }
  }

  /// Protects the RTCP compound `packet`, leaving the SRTCP packet in it.
  @discardableResult
  public func protectRTCP(_ packet: inout [UInt8]) throws(SRTPError) -> Int {
    try Self.growing(&packet) { bytes, plain throws(SRTPError) in
      try protectRTCP(bytes, length: plain)
    }
  }

  /// Runs the in-place `transform` over `packet`'s bytes and cuts `packet` to the length it
  /// returns.
  private static func shrinking(
    _ packet: inout [UInt8],
    _ transform: (UnsafeMutableRawBufferPointer) throws(SRTPError) -> Int
  ) throws(SRTPError) -> Int {
    let length = try packet.withUnsafeMutableBytes { bytes in
      Result { () throws(SRTPError) in try transform(bytes) }
    }.get()
    packet.removeLast(packet.count - length)
    return length
  }

  /// Makes room for the longest trailer after `packet`, runs the in-place `transform` (given
  /// the buffer and the plain length) and cuts `packet` to the length it returns; on failure
  /// `packet` is as it was.
  private static func growing(
    _ packet: inout [UInt8],
    _ transform: (UnsafeMutableRawBufferPointer, Int) throws(SRTPError) -> Int
  ) throws(SRTPError) -> Int {
    let plain = packet.count
    packet += repeatElement(0, count: maximumTrailerLength)
    let result = packet.withUnsafeMutableBytes { bytes in
      Result { () throws(SRTPError) in try transform(bytes, plain) }
    }
    guard case .success(let length) = result else {
      packet.removeLast(maximumTrailerLength)
      return try result.get()
    }
    packet.removeLast(packet.count - length)
    return length
  }

  private static func check(_ status: srtp_err_status_t) throws(SRTPError) {
    switch status {
    case srtp_err_status_ok: return
    case srtp_err_status_auth_fail: throw .authenticationFailure
    case srtp_err_status_replay_fail, srtp_err_status_replay_old: throw .replay
    case srtp_err_status_bad_param: throw .badPacket
    default: throw .library(code: Int(status.rawValue))
    }
  }
}
