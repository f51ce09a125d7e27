import RTPCaptures
import RTPIO

/// Writes a jitter buffer's events as JSON lines, one object a line, in play-out order:
///
/// ```
/// {"event":"stream","ssrc":"0x343DA99B"}
/// {"event":"ready","seq":1234,"ts":160,"marker":false,"pt":0,"time":1700000000.020000000,"bytes":160}
/// {"event":"erasure","firstSeq":1235,"lastSeq":1236,"packets":2,"timestampSpan":480}
/// {"event":"drop","seq":1230,"reason":"late"}
/// ```
///
/// Sequence numbers are extended to 64 bits (RFC 3550 appendix A.1): they keep counting past
/// 65535, and the wire's number is `seq` modulo 65536. `time` is the capture time in seconds
/// since the Unix epoch, `bytes` the payload's length (padding excluded). Lines are assembled in
/// the sink's buffer, with no allocation.
public final class PlayoutEventWriter: PlayoutHandler {
  private let sink: OutputSink
  /// The longest line: the ready line with every number at its widest.
  private static let maximumLineLength = 192

  /// Creates a writer appending lines to `sink`.
  public init(sink: OutputSink) {
    self.sink = sink
  }

  func handle(_ event: JitterBufferEvent, source: Endpoint, destination: Endpoint)
    throws(IOError)
  {
    let space = try sink.reserve(Self.maximumLineLength)
    var line = LineBuilder(space)
    switch event {
    case .streamStarted(let ssrc):
      line.append("{\"event\":\"stream\",\"ssrc\":\"0x")
      line.appendHex(ssrc)
      line.append("\"}\n")
    case .ready(let ready):
      let packet = ready.packet
      line.append("{\"event\":\"ready\",\"seq\":")
      line.append(ready.extendedSequence)
      line.append(",\"ts\":")
      line.append(Int64(packet.timestamp))
      line.append(packet.marker ? ",\"marker\":true,\"pt\":" : ",\"marker\":false,\"pt\":")
      line.append(Int64(packet.payloadType))
      line.append(",\"time\":")
      line.appendSeconds(ready.arrival)
      line.append(",\"bytes\":")
      line.append(Int64(packet.payload.count))
      line.append("}\n")
    case .erasure(let erasure):
      line.append("{\"event\":\"erasure\",\"firstSeq\":")
      line.append(erasure.firstSequence)
      line.append(",\"lastSeq\":")
      line.append(erasure.lastSequence)
      line.append(",\"packets\":")
      line.append(erasure.packetCount)
      line.append(",\"timestampSpan\":")
      line.append(erasure.timestampSpan)
      line.append("}\n")
    case .dropped(let dropped, let reason):
      line.append("{\"event\":\"drop\",\"seq\":")
      line.append(dropped.extendedSequence)
      switch reason {
      case .late: line.append(",\"reason\":\"late\"}\n")
      case .duplicate: line.append(",\"reason\":\"duplicate\"}\n")
      case .outOfSequence: line.append(",\"reason\":\"outOfSequence\"}\n")
      }
    }
    sink.commit(line.count)
  }

  /// Writes everything buffered.
  public func finish() throws(IOError) {
    try sink.flush()
  }

  var notWritten: Int { 0 }

  var silenceNotFilled: UInt64 { 0 }
}
