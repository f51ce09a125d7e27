import RTPPlayout

/// What `--output payload` wrote and what it left out, for `--stats`.
struct PayloadCounts {
  var payloadBytes: UInt64 = 0
  var silenceBytes: UInt64 = 0
  var eventPackets = 0
  var comfortNoisePackets = 0
  var otherPayloadTypePackets = 0

  init() {}

  init(writer: PayloadWriter) {
    payloadBytes = writer.payloadBytes
    silenceBytes = writer.silenceBytes
    eventPackets = writer.eventPackets
    comfortNoisePackets = writer.comfortNoisePackets
    otherPayloadTypePackets = writer.otherPayloadTypePackets
  }
}
