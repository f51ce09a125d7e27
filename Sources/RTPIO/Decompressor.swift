import CLzma
import CZlib

/// Decompresses a gzip or xz stream read from an ``InputSource`` into the caller's buffer, for
/// ``InputSource/startDecompressing(_:)``: gzip member after member (zlib), xz stream after
/// stream (liblzma).
///
/// The compressed bytes are decompressed from where the source holds them (a mapped file's
/// window, a read buffer), so they are not copied first. The libraries check headers, blocks
/// and checksums (gzip's CRC-32 and length, xz's block checks); any failure, or an input that
/// ends inside a member or stream, is one ``IOError/corrupt(compression:offset:reason:)`` naming
/// the compressed byte where it was found, after every byte decompressed before it.
final class Decompressor {
  let compression: Compression
  private let source: InputSource
  private let engine: Engine
  /// gzip: whether a member has ended and the next, if any, has not begun.
  private var betweenMembers = false
  private var ended = false
  private var failure: IOError?

  /// A library's stream state, at a fixed address (both keep pointers back to it).
  private enum Engine {
    case zlib(UnsafeMutablePointer<z_stream>)
    case xz(UnsafeMutablePointer<lzma_stream>)
  }

  init(_ compression: Compression, source: InputSource) throws(IOError) {
    self.compression = compression
    self.source = source
    switch compression {
    case .gzip:
      let stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
      stream.initialize(to: z_stream())
      let status = rtpsynth_inflate_init_gzip(stream)
      guard status == Z_OK else {
        stream.deinitialize(count: 1)
        stream.deallocate()
        throw .corrupt(compression: compression, offset: 0, reason: "zlib cannot start (\(status))")
      }
      engine = .zlib(stream)
    case .xz:
      let stream = UnsafeMutablePointer<lzma_stream>.allocate(capacity: 1)
      stream.initialize(to: lzma_stream())
      let status = rtpsynth_xz_decoder(stream, Compression.xzMemoryLimit)
      guard status == LZMA_OK else {
        stream.deinitialize(count: 1)
        stream.deallocate()
        throw .corrupt(
          compression: compression, offset: 0, reason: "liblzma cannot start (\(status.rawValue))")
      }
      engine = .xz(stream)
    }
  }

  deinit {
    switch engine {
    case .zlib(let stream):
      inflateEnd(stream)
      stream.deinitialize(count: 1)
      stream.deallocate()
    case .xz(let stream):
      lzma_end(stream)
      stream.deinitialize(count: 1)
      stream.deallocate()
    }
  }

  /// Compressed bytes consumed so far.
  var inputOffset: UInt64 { source.offset }

  /// Decompresses into `room` until it is full or the input ends: the bytes written, and the
  /// failure that stopped it early, if one did. Zero bytes and no failure is the end.
  func decompress(into room: UnsafeMutableRawBufferPointer) -> (Int, IOError?) {
    if let failure { return (0, failure) }
    if ended || room.isEmpty { return (0, nil) }
    var produced = 0
    do throws(IOError) {
      switch engine {
      case .zlib(let stream): try inflate(stream, into: room, produced: &produced)
      case .xz(let stream): try unxz(stream, into: room, produced: &produced)
      }
    } catch {
      failure = error
      return (produced, error)
    }
    return (produced, nil)
  }

  private func inflate(
    _ stream: UnsafeMutablePointer<z_stream>, into room: UnsafeMutableRawBufferPointer,
    produced: inout Int
  ) throws(IOError) {
    while produced < room.count {
      if betweenMembers {
        guard try startNextMember(stream) else {
          ended = true
          return
        }
      }
      let input = try source.peekAvailable()
      if input.isEmpty { throw corruptHere("ends inside a member (truncated)") }
      let offered = min(input.count, Int(UInt32.max))
      stream.pointee.next_in = UnsafeMutablePointer(
        mutating: input.baseAddress!.assumingMemoryBound(to: Bytef.self))
      stream.pointee.avail_in = UInt32(offered)
      stream.pointee.next_out = (room.baseAddress! + produced).assumingMemoryBound(to: Bytef.self)
      stream.pointee.avail_out = UInt32(min(room.count - produced, Int(UInt32.max)))
      let before = stream.pointee.avail_out
      let status = CZlib.inflate(stream, Z_NO_FLUSH)
      source.consume(offered - Int(stream.pointee.avail_in))
      produced += Int(before - stream.pointee.avail_out)
      switch status {
      case Z_OK, Z_BUF_ERROR:
        continue
      case Z_STREAM_END:
        betweenMembers = true
      default:
        throw corruptHere(stream.pointee.msg.map { String(cString: $0) } ?? "zlib error \(status)")
      }
    }
  }

  /// After a gzip member: skips zero padding, and starts the next member if one follows.
  /// Returns `false` at the end of input; throws on anything else after a member.
  private func startNextMember(_ stream: UnsafeMutablePointer<z_stream>) throws(IOError) -> Bool {
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

  private func unxz(
    _ stream: UnsafeMutablePointer<lzma_stream>, into room: UnsafeMutableRawBufferPointer,
    produced: inout Int
  ) throws(IOError) {
    while produced < room.count {
      let input = try source.peekAvailable()
      // At the end of input, LZMA_FINISH: the stream (and its padding) must end there too.
      let action = input.isEmpty ? LZMA_FINISH : LZMA_RUN
      stream.pointee.next_in = input.baseAddress?.assumingMemoryBound(to: UInt8.self)
      stream.pointee.avail_in = input.count
      stream.pointee.next_out = (room.baseAddress! + produced).assumingMemoryBound(to: UInt8.self)
      stream.pointee.avail_out = room.count - produced
      let before = stream.pointee.avail_out
      let status = lzma_code(stream, action)
      source.consume(input.count - stream.pointee.avail_in)
      let made = before - stream.pointee.avail_out
      produced += made
      switch status {
      case LZMA_OK:
        if input.isEmpty && made == 0 { throw corruptHere("ends inside a stream (truncated)") }
      case LZMA_STREAM_END:
        ended = true
        return
      case LZMA_BUF_ERROR:
        throw corruptHere("ends inside a stream (truncated)")
      case LZMA_MEMLIMIT_ERROR:
        throw corruptHere("needs more than \(Compression.xzMemoryLimit >> 20) MiB to decode")
      case LZMA_FORMAT_ERROR:
        throw corruptHere("not an xz stream")
      case LZMA_OPTIONS_ERROR:
        throw corruptHere("unsupported options")
      case LZMA_DATA_ERROR:
        throw corruptHere("corrupt data")
      default:
        throw corruptHere("liblzma error \(status.rawValue)")
      }
    }
  }

  private func corruptHere(_ reason: String) -> IOError {
    .corrupt(compression: compression, offset: source.offset, reason: reason)
  }
}
