import RTPCore
import Testing

@Suite("Playout pipeline")
struct PlayoutPipelineTests {
  typealias F = PlayoutFixture
  static let key = RTPStreamKey(ssrc: 0x1234_5678, source: F.alice, destination: F.bob)

  /// 0...19 captured as 0 1 3 2 4 4 5 6 8 9 7 ... with 12 and 13 lost and 15 sent twice.
  static func scrambled() -> [F.Packet] {
    let order = [0, 1, 3, 2, 4, 4, 5, 6, 8, 9, 7, 10, 11, 14, 15, 16, 15, 17, 19, 18]
    return order.map { F.voice($0) }
  }

  @Test("a capture comes out in sequence order, duplicates dropped, each record accounted for")
  func capture() throws {
    var packets = Self.scrambled()
    packets.insert(F.voice(0, ssrc: 0x9999), at: 3)
    var rtcp = F.voice(0)
    rtcp.bytes = [0x80, 201, 0, 1, 0, 0, 0, 1]
    packets.append(rtcp)
    let (output, statistics, error) = try F.play(
      try F.capture(packets), selection: .stream(Self.key), kind: .capture)
    #expect(error == nil)
    let played = try F.datagrams(output)
    let expected = (0..<20).filter { $0 != 12 && $0 != 13 }
    #expect(played.map { Array($0.payload) } == expected.map { F.voice($0).bytes })
    #expect(played.map(\.timestamp) == expected.map { F.voice($0).time })
    #expect(played.allSatisfy { $0.source == F.alice && $0.destination == F.bob })
    #expect(statistics.jitterBuffer.ready == 18)
    #expect(statistics.jitterBuffer.duplicates == 2)
    #expect(statistics.jitterBuffer.erasures == 1 && statistics.jitterBuffer.erasedPackets == 2)
    #expect(statistics.otherStreams == 1 && statistics.notRTP == 1)
    #expect(statistics.read == 22)
    #expect(statistics.isBalanced)
  }

  @Test("payload output fills the void with µ-law silence for its duration")
  func payload() throws {
    let (output, statistics, error) = try F.play(
      try F.capture(Self.scrambled()), selection: .stream(Self.key), kind: .payload)
    #expect(error == nil)
    var expected: [UInt8] = []
    for index in 0..<20 {
      if index == 12 || index == 13 {
        expected += [UInt8](repeating: 0xFF, count: 160)
      } else {
        expected += [UInt8](repeating: UInt8(index), count: 160)
      }
    }
    #expect(output == expected)
    #expect(statistics.isBalanced)
    let overridden = try F.play(
      try F.capture(Self.scrambled()), selection: .stream(Self.key), kind: .payload,
      encoding: .pcma)
    #expect(overridden.output[12 * 160] == 0xD5)
  }

  @Test("events are JSON lines for the stream, each packet, the erasure and the drops")
  func events() throws {
    let packets = [F.voice(0), F.voice(2), F.voice(1), F.voice(1), F.voice(5), F.voice(6)]
    let (output, _, error) = try F.play(
      try F.capture(packets), selection: .stream(Self.key), kind: .events)
    #expect(error == nil)
    let lines = String(decoding: output, as: UTF8.self).split(separator: "\n").map(String.init)
    #expect(
      lines == [
        #"{"event":"stream","ssrc":"0x12345678"}"#,
        #"{"event":"drop","seq":1001,"reason":"duplicate"}"#,
        #"{"event":"ready","seq":1000,"ts":8000,"marker":false,"pt":0,"time":1.000000000,"bytes":160}"#,
        #"{"event":"ready","seq":1001,"ts":8160,"marker":false,"pt":0,"time":1.020000000,"bytes":160}"#,
        #"{"event":"ready","seq":1002,"ts":8320,"marker":false,"pt":0,"time":1.040000000,"bytes":160}"#,
        #"{"event":"erasure","firstSeq":1003,"lastSeq":1004,"packets":2,"timestampSpan":480}"#,
        #"{"event":"ready","seq":1005,"ts":8800,"marker":false,"pt":0,"time":1.100000000,"bytes":160}"#,
        #"{"event":"ready","seq":1006,"ts":8960,"marker":false,"pt":0,"time":1.120000000,"bytes":160}"#,
      ])
  }

  @Test("a damaged capture: everything before the damage is written, then the error")
  func truncated() throws {
    var bytes = try F.capture((0..<10).map { F.voice($0) })
    bytes.removeLast(50)
    let (output, statistics, error) = try F.play(
      bytes, selection: .stream(Self.key), kind: .capture)
    guard case .input(.truncated) = error else {
      Issue.record("expected a truncated capture, got \(String(describing: error))")
      return
    }
    #expect(try F.datagrams(output).count == 9)
    #expect(statistics.jitterBuffer.ready == 9 && statistics.read == 9)
  }

  @Test("selecting by SSRC takes every endpoint pair, and each packet keeps its own")
  func ssrc() throws {
    var packets = (0..<6).map { F.voice($0) }
    for index in [1, 3, 5] { packets[index].source = F.carol }
    packets.swapAt(2, 3)
    let (output, statistics, _) = try F.play(
      try F.capture(packets), selection: .ssrc(0x1234_5678), kind: .capture)
    let played = try F.datagrams(output)
    #expect(played.map { Array($0.payload) } == (0..<6).map { F.voice($0).bytes })
    #expect(played.map(\.source) == [F.alice, F.carol, F.alice, F.carol, F.alice, F.carol])
    #expect(statistics.jitterBuffer.ready == 6)
    let byKey = try F.play(try F.capture(packets), selection: .stream(Self.key), kind: .capture)
    #expect(byKey.statistics.jitterBuffer.ready == 3 && byKey.statistics.otherStreams == 3)
  }

  @Test("max delay releases packets held behind a gap by capture time")
  func maxDelay() throws {
    // 1 is lost; 2... arrive every 20 ms. Capacity 50 alone would hold them all to the end.
    let packets = [0, 2, 3, 4, 5, 6].map { F.voice($0) }
    let (output, _, _) = try F.play(
      try F.capture(packets), selection: .stream(Self.key), kind: .events, maxDelay: 30_000_000)
    let lines = String(decoding: output, as: UTF8.self).split(separator: "\n")
    #expect(lines[2].contains("\"erasure\"") && lines[3].contains("\"seq\":1002"))
    #expect(lines.count == 8)
  }
}
