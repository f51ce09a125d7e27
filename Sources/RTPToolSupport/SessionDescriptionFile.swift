import RTPCodecs
import RTPIO
import RTPSignalling

/// An SDP file a user gives with `--sdp`, for a capture without its signalling: the payload
/// types of its audio media.
package enum SessionDescriptionFile {
  /// The mappings of the audio media descriptions of the SDP file at `path`, the first of a
  /// payload type winning.
  ///
  /// - Throws: a ``ToolFailure`` (74) when the file cannot be read, (65) when it is not SDP or
  ///   has no audio payload types.
  package static func audioMappings(at path: String) throws(ToolFailure) -> [PayloadTypeMapping] {
    let file = try InputFile(path: path)
    defer { file.close() }
    let source = InputSource(fileDescriptor: file.descriptor)
    var bytes: [UInt8] = []
    do {
      while bytes.count <= SessionDescription.maximumSize {
        let chunk = try source.peekAvailable()
        if chunk.isEmpty { break }
        bytes += chunk
        source.consume(chunk.count)
      }
    } catch {
      throw ToolFailure(.ioError, "\(file.displayName): \(error)")
    }
    let description: SessionDescription
    do {
      description = try SessionDescription(parsing: String(decoding: bytes, as: UTF8.self))
    } catch {
      throw ToolFailure(.dataError, "\(file.displayName): \(error)")
    }
    var seen: Set<UInt8> = []
    var mappings: [PayloadTypeMapping] = []
    for media in description.media where media.media.lowercased() == "audio" {
      for mapping in media.payloadTypeMappings where seen.insert(mapping.payloadType).inserted {
        mappings.append(mapping)
      }
    }
    guard !mappings.isEmpty else {
      throw ToolFailure(.dataError, "\(file.displayName): no audio payload types in the SDP")
    }
    return mappings
  }
}
