import RTPCodecs

/// A session description (SDP, RFC 8866, which obsoletes RFC 4566): the origin, the
/// session-level connection and the media descriptions, as a SIP offer or answer carries them.
///
/// Reading is lenient as a capture reader must be: CRLF and LF line ends are both accepted,
/// a malformed or unknown-typed line is counted in ``malformedLines`` and skipped, and only a
/// text that is not SDP at all, or over ``maximumSize``, is an ``SDPError``. At most
/// ``maximumMediaDescriptions`` media descriptions and ``maximumAttributes`` attribute lines are
/// kept; lines past them are counted as malformed.
public struct SessionDescription: Sendable, Hashable {
  /// The largest description read, in bytes.
  public static let maximumSize = 65_536
  /// The most media descriptions kept.
  public static let maximumMediaDescriptions = 64
  /// The most attribute lines kept, over the session and all its media.
  public static let maximumAttributes = 1024

  /// `v=`, 0 for every SDP there is.
  public var version: Int
  /// `o=`, when it was given and well formed.
  public var origin: SDPOrigin?
  /// `s=`, the session name.
  public var sessionName: String
  /// The session-level `c=` line, which applies to media without their own.
  public var connection: SDPConnection?
  /// The session-level direction attribute, if any (each media's ``MediaDirection`` already
  /// takes it into account).
  public var direction: MediaDirection?
  /// The session-level attributes other than the direction, in order.
  public var attributes: [SDPAttribute]
  /// The media descriptions, in order.
  public var media: [MediaDescription]
  /// Lines that were malformed, of an unknown type, or past the bounds, and were skipped.
  public var malformedLines: Int

  /// Reads a session description from its text.
  ///
  /// - Throws: ``SDPError/tooLarge(_:)``, ``SDPError/notSDP``.
  public init(parsing source: some StringProtocol) throws(SDPError) {
    let text = String(source)
    let size = text.utf8.count
    guard size <= Self.maximumSize else { throw .tooLarge(size) }
    version = 0
    origin = nil
    sessionName = ""
    connection = nil
    direction = nil
    attributes = []
    media = []
    malformedLines = 0
    var sawVersion = false
    // The media description being read is dropped (with its lines) when its m= line was bad.
    var inDroppedMedia = false
    var attributeCount = 0
    var mediaDirections: [MediaDirection?] = []
    // "\r\n" is one Character in Swift: split on it as on "\n".
    for rawLine in text.split(
      omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" })
    {
      let line = rawLine.last == "\r" ? rawLine.dropLast() : rawLine[...]
      if line.allSatisfy({ $0 == " " || $0 == "\t" }) { continue }
      let utf8 = Array(line.utf8.prefix(2))
      guard utf8.count == 2, utf8[1] == UInt8(ascii: "="),
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(utf8[0])
      else {
        guard sawVersion else { throw .notSDP }
        malformedLines += 1
        continue
      }
      let type = Character(UnicodeScalar(utf8[0]))
      let value = line.dropFirst(2)
      guard sawVersion else {
        guard type == "v" else { throw .notSDP }
        sawVersion = true
        if let number = Int(value.trimmingSDPSpaces) {
          version = number
        } else {
          malformedLines += 1
        }
        continue
      }
      if type == "m" {
        guard media.count < Self.maximumMediaDescriptions, let parsed = Self.mediaLine(value)
        else {
          malformedLines += 1
          inDroppedMedia = true
          continue
        }
        inDroppedMedia = false
        media.append(parsed)
        mediaDirections.append(nil)
        continue
      }
      if inDroppedMedia {
        malformedLines += 1
        continue
      }
      switch type {
      case "o":
        if media.isEmpty, origin == nil, let parsed = SDPOrigin(parsing: value) {
          origin = parsed
        } else {
          malformedLines += 1
        }
      case "s":
        if media.isEmpty { sessionName = String(value) } else { malformedLines += 1 }
      case "c":
        guard let parsed = SDPConnection(parsing: value) else {
          malformedLines += 1
          continue
        }
        if media.isEmpty { connection = parsed } else { media[media.count - 1].connection = parsed }
      case "a":
        guard attributeCount < Self.maximumAttributes else {
          malformedLines += 1
          continue
        }
        attributeCount += 1
        if media.isEmpty {
          let attribute = Self.splitAttribute(value)
          if attribute.value == nil, let parsed = MediaDirection(rawValue: attribute.name) {
            direction = parsed
          } else {
            attributes.append(attribute)
          }
        } else {
          let index = media.count - 1
          if !Self.readMediaAttribute(
            value, into: &media[index], direction: &mediaDirections[index])
          {
            malformedLines += 1
          }
        }
      case "v":
        malformedLines += 1
      case "i", "u", "e", "p", "b", "t", "r", "z", "k":
        // Known types that say nothing about where media goes or what it carries.
        break
      default:
        malformedLines += 1
      }
    }
    guard sawVersion else { throw .notSDP }
    for index in media.indices {
      media[index].direction = mediaDirections[index] ?? direction ?? .sendrecv
    }
  }

  /// Reads `media port[/count] proto fmt...`.
  static func mediaLine(_ text: Substring) -> MediaDescription? {
    let fields = text.split(whereSeparator: { $0 == " " || $0 == "\t" })
    guard fields.count >= 3, !fields[0].isEmpty else { return nil }
    let portFields = fields[1].split(separator: "/", omittingEmptySubsequences: false)
    guard portFields.count <= 2, let port = UInt16(portFields[0]) else { return nil }
    var count = 1
    if portFields.count == 2 {
      guard let parsed = Int(portFields[1]), (1...65_536).contains(parsed) else { return nil }
      count = parsed
    }
    return MediaDescription(
      media: String(fields[0]), port: port, portCount: count, proto: String(fields[2]),
      formats: fields.dropFirst(3).map(String.init))
  }

  /// `name` and `value` of `name:value`, or `name` alone.
  static func splitAttribute(_ text: Substring) -> SDPAttribute {
    guard let colon = text.firstIndex(of: ":") else {
      return SDPAttribute(name: String(text.trimmingSDPSpaces))
    }
    return SDPAttribute(
      name: String(text[..<colon].trimmingSDPSpaces),
      value: String(text[text.index(after: colon)...]))
  }

  /// Reads one media-level attribute into `media`; `false` when it is malformed.
  static func readMediaAttribute(
    _ text: Substring, into media: inout MediaDescription, direction: inout MediaDirection?
  ) -> Bool {
    let attribute = splitAttribute(text)
    let value = attribute.value.map { Substring($0).trimmingSDPSpaces } ?? ""
    switch attribute.name.lowercased() {
    case "rtpmap", "fmtp":
      guard let space = value.firstIndex(where: { $0 == " " || $0 == "\t" }),
        let payloadType = UInt8(value[..<space]), payloadType < 128
      else { return false }
      let rest = value[space...].trimmingSDPSpaces
      if attribute.name.lowercased() == "fmtp" {
        media.fmtps[payloadType] = FormatParameters(parsing: rest)
        return true
      }
      guard let format = try? PayloadFormat(parsing: rest) else { return false }
      media.rtpmaps[payloadType] = format
    case "ptime", "maxptime":
      guard let milliseconds = Double(value), milliseconds > 0, milliseconds <= 100_000 else {
        return false
      }
      if attribute.name.lowercased() == "ptime" {
        media.ptime = milliseconds
      } else {
        media.maxptime = milliseconds
      }
    case "rtcp":
      guard let parsed = SDPRTCPAttribute(parsing: value) else { return false }
      media.rtcp = parsed
    case "rtcp-mux":
      media.rtcpMux = true
    case "crypto":
      guard let parsed = SDPCrypto(parsing: value) else { return false }
      media.crypto.append(parsed)
    case "sendrecv", "sendonly", "recvonly", "inactive":
      direction = MediaDirection(rawValue: attribute.name.lowercased())
    default:
      media.attributes.append(attribute)
    }
    return true
  }

  /// The payload type map that applies to RTP sent to the media description at `index`.
  public func payloadTypeMap(forMediaAt index: Int) -> PayloadTypeMap? {
    guard media.indices.contains(index) else { return nil }
    return media[index].payloadTypeMap
  }
}
