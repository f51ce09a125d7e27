import CZlib

/// Inflates a gzip stream read from an ``InputSource`` into the caller's buffer, member after
/// member, for ``InputSource/startDecompressing(_:)``.
///
/// The compressed bytes are inflated from where the source holds them (a mapped file's window,
/// a read buffer), so they are not copied first. zlib checks each member's header, blocks, CRC-32
/// and length; any failure, or an input that ends inside a member, is one
/// ``IOError/corrupt(compression:offset:reason:)`` naming the compressed byte where it was
/// found, after every byte inflated before it.
final class Decompressor {
  let compression: Compression
  private let source: InputSource
  /// zlib's stream state, at a fixed address (zlib keeps a pointer back to it).
  private let stream: UnsafeMutablePointer<z_stream>
  /// Whether a member has ended and the next, if any, has not begun.
  private var betweenMembers = false
  private var ended = false
  private var failure: IOError?

  init(_ compression: Compression, source: InputSource) throws(IOError) {
    self.compression = compression
    self.source = source
    stream = .allocate(capacity: 1)
    stream.initialize(to: z_stream())
    let status = rtpsynth_inflate_init_gzip(stream)
    guard status == Z_OK else {
      stream.deinitialize(count: 1)
      stream.deallocate()
      throw .corrupt(compression: compression, offset: 0, reason: "zlib cannot start (\(status))")
    }
  }

  deinit {
    inflateEnd(stream)
    stream.deinitialize(count: 1)
    stream.deallocate()
  }

  /// Compressed bytes consumed so far.
  var inputOffset: UInt64 { source.offset }

  /// Inflates into `room` until it is full or the input ends: the bytes written, and the
  /// failure that stopped it early, if one did. Zero bytes and no failure is the end.
  func decompress(into room: UnsafeMutableRawBufferPointer) -> (Int, IOError?) {
    if let failure { return (0, failure) }
    if ended || room.isEmpty { return (0, nil) }
    var produced = 0
    do throws(IOError) {
      while produced < room.count {
        if betweenMembers {
          guard try startNextMember() else {
            ended = true
            break
          }
        }
        let input = try source.peekAvailable()
        if input.isEmpty {
          return (produced, fail("ends inside a member (truncated)"))
        }
        let offered = min(input.count, Int(UInt32.max))
        stream.pointee.next_in = UnsafeMutablePointer(
          mutating: input.baseAddress!.assumingMemoryBound(to: Bytef.self))
        stream.pointee.avail_in = UInt32(offered)
        stream.pointee.next_out = (room.baseAddress! + produced).assumingMemoryBound(
          to: Bytef.self)
        stream.pointee.avail_out = UInt32(min(room.count - produced, Int(UInt32.max)))
        let before = stream.pointee.avail_out
        let status = inflate(stream, Z_NO_FLUSH)
        source.consume(offered - Int(stream.pointee.avail_in))
        produced += Int(before - stream.pointee.avail_out)
        switch status {
        case Z_OK, Z_BUF_ERROR:
          continue
        case Z_STREAM_END:
          betweenMembers = true
        default:
          let message = stream.pointee.msg.map { String(cString: $0) } ?? "zlib error \(status)"
          return (produced, fail(message))
        }
      }
    } catch {
      failure = error
      return (produced, error)
    }
    return (produced, nil)
  }

  /// After a member: skips zero padding, and starts the next member if one follows. Returns
  /// `false` at the end of input; throws on anything else after a member.
  private func startNextMember() throws(IOError) -> Bool {
    while true {
      let next = try source.peekAvailable()
      if next.isEmpty { return false }
      let zeros = next.prefix { $0 == 0 }.count
      if zeros > 0 {
        source.consume(zeros)
        continue
      }
      let magic = try source.peek(Compression.magicLength)
      guard Compression(sniffing: magic) == compression else {
        throw corruptHere("data after the end of a member is not another member")
      }
      inflateReset(stream)
      betweenMembers = false
      return true
    }
  }

  private func corruptHere(_ reason: String) -> IOError {
    .corrupt(compression: compression, offset: source.offset, reason: reason)
  }

  private func fail(_ reason: String) -> IOError {
    let error = corruptHere(reason)
    failure = error
    return error
  }
}
