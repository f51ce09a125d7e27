/// The RTCP packets of one datagram (RFC 3550 section 6.1), validated as appendix A.2 says:
/// every packet version 2, the first a sender or receiver report, padding only on the last,
/// and the lengths adding up to the datagram's.
public struct RTCPCompound: Hashable, Sendable {
  /// The packets, in wire order.
  public var packets: [RTCPPacket]

  /// A compound of `packets`, in order; RFC 3550 wants a report first.
  public init(_ packets: [RTCPPacket]) {
    self.packets = packets
  }

  /// Parses and validates every packet of `bytes` (see ``RTCPCompoundView/init(validating:)``)
  /// and copies them into values.
  public init(parsing bytes: UnsafeRawBufferPointer) throws(RTCPParseError) {
    self.init(try RTCPCompoundView(validating: bytes))
  }

  /// The packets of a compound read in place, copied into values.
  public init(_ view: RTCPCompoundView) {
    packets = view.map(RTCPPacket.init)
  }

  /// Parses and validates every packet of `bytes`.
  public init(parsing bytes: [UInt8]) throws(RTCPParseError) {
    var result: Result<RTCPCompound, RTCPParseError> = .failure(.empty)
    bytes.withUnsafeBytes { raw in
      do throws(RTCPParseError) {
        result = .success(try RTCPCompound(parsing: raw))
      } catch {
        result = .failure(error)
      }
    }
    self = try result.get()
  }

  /// The compound packet's length on the wire.
  public var serializedLength: Int { packets.reduce(0) { $0 + $1.serializedLength } }

  /// Writes every packet at the start of `buffer`; returns the length written.
  public func serialize(into buffer: UnsafeMutableRawBufferPointer) throws(RTCPSerializationError)
    -> Int
  {
    guard !packets.isEmpty else { throw .empty }
    let total = serializedLength
    guard total <= buffer.count else {
      throw .bufferTooSmall(needed: total, available: buffer.count)
    }
    var offset = 0
    for packet in packets {
      offset += try packet.serialize(into: buffer, at: offset)
    }
    return offset
  }

  /// A new array holding the compound packet.
  public func serialized() throws(RTCPSerializationError) -> [UInt8] {
    var bytes = [UInt8](repeating: 0, count: serializedLength)
    var failure: RTCPSerializationError?
    bytes.withUnsafeMutableBytes { buffer in
      do throws(RTCPSerializationError) {
        _ = try serialize(into: buffer)
      } catch {
        failure = error
      }
    }
    if let failure { throw failure }
    return bytes
  }
}
