import RTPCaptures
import RTPCodecs
import RTPIO
import RTPSignalling
import RTPToolSupport

/// What the SIP signalling in a capture, and an SDP file given with `--sdp`, say about the
/// payload types of its streams.
struct CallSignalling {
  /// The calls of the capture's SIP, with the SDP of each offer and answer.
  var tracker = SIPCallTracker()
  /// SIP messages read, over UDP and TCP.
  var messages = 0
  /// The mappings of the `--sdp` file's audio media, for every stream.
  var fileMappings: [PayloadTypeMapping] = []

  /// Reads the SIP of the capture `input` holds, from its start, and leaves it rewound.
  static func read(from input: CaptureStreamInput) throws(ToolFailure) -> CallSignalling {
    try input.rewind()
    var signalling = CallSignalling()
    do {
      let (messages, _) = try SIPCaptureReader.messages(
        in: InputSource(fileDescriptor: input.descriptor))
      signalling.messages = messages.count
      signalling.tracker.add(messages)
    } catch {
      // A damaged record ends the SIP as it ends the RTP: the play-out pass reports it.
    }
    try input.rewind()
    return signalling
  }

  /// Takes the audio mappings of the SDP file at `path` for every stream.
  mutating func readSessionDescription(at path: String) throws(ToolFailure) {
    fileMappings = try SessionDescriptionFile.audioMappings(at: path)
  }

  /// The payload types of `stream`: the `--sdp` file's, then those of the SDP that covers
  /// RTP sent to the stream's destination when it started, and the call that SDP belongs to.
  func mappings(for stream: RTPStreamSummary) -> (mappings: [PayloadTypeMapping], callID: String?) {
    var result = fileMappings
    var callID: String? = nil
    if let binding = tracker.binding(forDestination: stream.key.destination, at: stream.firstTime) {
      var given = Set(result.map(\.payloadType))
      result += binding.mappings.filter { !given.contains($0.payloadType) }
      callID = binding.callID
      // A re-INVITE of the call that brings a new payload type for the destination (a codec
      // change mid-call) adds its mapping; the SDP at the stream's start wins a conflict.
      given = Set(result.map(\.payloadType))
      for later in tracker.call(withID: binding.callID)?.media ?? []
      where later.destination == stream.key.destination {
        for mapping in later.mappings where given.insert(mapping.payloadType).inserted {
          result.append(mapping)
        }
      }
    }
    return (result, callID)
  }

  /// The payload type map of `stream` under `mappings` and the `--codec` ones given last.
  static func map(_ mappings: [PayloadTypeMapping], then given: [PayloadTypeMapping])
    -> PayloadTypeMap
  {
    var map = PayloadTypeMap()
    map.map(mappings)
    map.map(given)
    return map
  }

  /// Whether `stream` carries audio this toolkit decodes, by `map`: the stream to take when
  /// none is named.
  static func isDecodableAudio(_ stream: RTPStreamSummary, under map: PayloadTypeMap) -> Bool {
    stream.payloadTypes.contains { type in
      guard let format = map.format(for: type) else { return false }
      return CodecRegistry.role(of: format) == .audio
    }
  }
}
