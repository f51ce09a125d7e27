import Foundation
import Testing

/// rtpsend --rtcp's view of the peer's reports (from rtprecv, and from GStreamer's rtpbin), and
/// G.711 streams from ffmpeg and GStreamer received by rtprecv and decoded sample-exact against
/// what the peer encoded. Loopback only, bounded in packets (2 s of audio) and in time
/// (rtprecv's --idle-timeout, `timeout`); the ffmpeg and GStreamer cases run when those are
/// installed (scripts/setup installs them).
@Suite("rtpsend --rtcp peer reports; G.711 from ffmpeg and GStreamer", .serialized)
struct InteropToolTests {
  typealias Loopback = RTPSendRecvToolTests

  static let hasFFmpeg = Shell.has("ffmpeg")
  static let hasGStreamer = Shell.has("gst-launch-1.0")

  /// The `rtpsend: RR from 0x…` lines of `text`, each checked for its form.
  static func reportLines(_ text: String) -> [Substring] {
    text.split(separator: "\n").filter { $0.hasPrefix("rtpsend: RR from 0x") }
  }

  static func expectWellFormed(_ line: Substring) {
    // rtpsend: RR from 0x5a1e2f3d: lost 0.0% (cumulative 0), jitter 0.125 ms, round trip …
    let pattern =
      #/^rtpsend: RR from 0x[0-9a-f]+: lost [0-9]+\.[0-9]% \(cumulative -?[0-9]+\), jitter [0-9]+\.[0-9]{3} ms, round trip ([0-9]+\.[0-9]{3} ms|unknown \(no LSR\))$/#
    #expect(line.wholeMatch(of: pattern) != nil, "\(line)")
  }

  @Test("rtprecv --rtcp's receiver reports: one line each on rtpsend's stderr, the last in --stats")
  func receiverReports() throws {
    let directory = Shell.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let port = Loopback.port() & ~1
    // 6 s: rtprecv's first report comes 1 to 3 s after it starts, then every 2.5 to 7.5 s.
    let result = Loopback.exchange(
      port: port,
      receive: "--listen 127.0.0.1:\(port) --rtcp --until-bye --idle-timeout 10",
      send: "rtpgen --duration 6 | rtpsend --rtcp --to 127.0.0.1:\(port) --stats 2> send.err",
      in: directory)
    #expect(result.status == 0, "\(result.stderr)")
    #expect(Loopback.status(directory) == 0)
    let errors = try String(
      contentsOf: directory.appendingPathComponent("send.err"), encoding: .utf8)
    let lines = Self.reportLines(errors)
    #expect(!lines.isEmpty, "\(errors)")
    for line in lines { Self.expectWellFormed(line) }
    // Nothing lost on loopback: every report says so.
    #expect(lines.allSatisfy { $0.contains(": lost 0.0% (cumulative 0),") }, "\(errors)")
    let stats = Loopback.stats(directory.appendingPathComponent("send.err").path)
    #expect(stats["peerReports"] == Double(lines.count), "\(errors)")
    #expect(stats["peerFractionLost"] == 0)
    #expect(stats["peerCumulativeLost"] == 0)
    #expect((stats["peerJitterMs"] ?? -1) >= 0)
  }

  @Test("Without --rtcp's peer reports, --stats' peer keys are null and peerReports 0")
  func noReports() throws {
    let result = Shell.run(
      "rtpgen --count 5 | rtpsend --rtcp --pace none --to 127.0.0.1:9 --stats")
    #expect(result.status == 0, "\(result.stderr)")
    #expect(
      result.stderr.contains(
        "\"peerReports\":0,\"peerFractionLost\":null,\"peerCumulativeLost\":null,"
          + "\"peerJitterMs\":null,\"peerRoundTripMs\":null}"), "\(result.stderr)")
  }

  @Test(
    "GStreamer rtpbin's receiver reports are shown by rtpsend --rtcp, round trip included",
    .enabled(if: hasGStreamer))
  func gstreamerReports() throws {
    let directory = Shell.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    // rtpbin receives RTP on `port` and RTCP on the next, and sends its RRs to rtpsend's RTCP
    // port, the one after its --bind port.
    let port = Loopback.port(count: 20) & ~1
    let local = port + 10
    let pipeline = [
      "gst-launch-1.0 -q rtpbin name=rtpbin",
      "udpsrc port=\(port) caps=\"application/x-rtp,media=audio,clock-rate=8000,"
        + "encoding-name=PCMU,payload=0\" ! rtpbin.recv_rtp_sink_0",
      "rtpbin. ! rtppcmudepay ! fakesink",
      "udpsrc port=\(port + 1) ! rtpbin.recv_rtcp_sink_0",
      "rtpbin.send_rtcp_src_0 ! udpsink host=127.0.0.1 port=\(local + 1) sync=false async=false",
    ].joined(separator: " ")
    let result = Shell.run(
      """
      \(Loopback.waitPort)
      \(pipeline) > gst.out 2>&1 & gst=$!
      waitport \(port + 1) || { kill -KILL $gst; exit 1; }
      rtpgen --duration 12 | rtpsend --rtcp --bind 127.0.0.1:\(local) --to 127.0.0.1:\(port) \
        --stats 2> send.err
      echo $? > send.rc
      kill -KILL $gst; wait
      exit 0
      """, in: directory)
    #expect(result.status == 0, "\(result.stderr)")
    let rc = try String(contentsOf: directory.appendingPathComponent("send.rc"), encoding: .utf8)
    #expect(rc == "0\n")
    let errors = try String(
      contentsOf: directory.appendingPathComponent("send.err"), encoding: .utf8)
    let lines = Self.reportLines(errors)
    #expect(lines.count >= 1, "\(errors)")
    for line in lines { Self.expectWellFormed(line) }
    // rtpbin's reports after rtpsend's first SR (1 to 3 s in) carry its LSR: a round trip,
    // under a second on loopback. Its first report comes 1.25 to 3.75 s after the stream starts,
    // the next 2.5 to 7.5 s later (RFC 3550 A.7), within the 12 s.
    #expect(lines.contains { $0.contains("round trip 0.") }, "\(errors)")
    let stats = Loopback.stats(directory.appendingPathComponent("send.err").path)
    #expect(stats["peerReports"] == Double(lines.count), "\(errors)")
    print("GStreamer rtpbin reports, as rtpsend shows them:\n" + lines.joined(separator: "\n"))
  }

  /// Receives what `send` sends to `port` (a pipeline writing the G.711 bytes it encoded to
  /// `ref.g711` and decoding them with its own decoder to `ref.s16`), then decodes rtprecv's
  /// capture with rtpjb and rtpulaw; returns the reference bytes, the received payload, the
  /// reference samples and the decoded samples.
  static func receiveAndDecode(
    port: Int, law: String, send: String, decodeReference: String, in directory: URL
  ) throws -> G711Exchange {
    let result = Loopback.exchange(
      port: port, receive: "--listen 127.0.0.1:\(port) --idle-timeout 1 --stats",
      send: "timeout -s KILL 20 \(send) > peer.out 2>&1", in: directory)
    #expect(result.status == 0, "\(result.stderr)")
    #expect(Loopback.status(directory) == 0)
    let decoded = Shell.run(
      """
      timeout -s KILL 20 \(decodeReference) > decode.out 2>&1 || exit 1
      rtpjb --output payload recv.pcap > got.g711 || exit 2
      rtpulaw --decode --law \(law) --raw < got.g711 > got.s16 || exit 3
      """, in: directory)
    #expect(decoded.status == 0, "\(decoded.stderr)")
    func file(_ name: String) -> Data {
      (try? Data(contentsOf: directory.appendingPathComponent(name))) ?? Data()
    }
    return G711Exchange(
      reference: file("ref.g711"), payload: file("got.g711"), referenceSamples: file("ref.s16"),
      samples: file("got.s16"), directory: directory)
  }

  /// What ``receiveAndDecode(port:law:send:decodeReference:in:)`` found.
  struct G711Exchange {
    var reference: Data
    var payload: Data
    var referenceSamples: Data
    var samples: Data
    var directory: URL

    /// rtpstat's table and rtpjb's counters on the capture, to show what arrived when the
    /// bytes differ.
    var diagnosis: String {
      let run = Shell.run(
        "rtpstat recv.pcap; rtpjb --stats --output payload recv.pcap > /dev/null; cat peer.out",
        in: directory)
      return run.output + run.stderr
    }

    func expectExact() {
      #expect(reference.count == 16000)
      #expect(payload == reference, "\(diagnosis)")
      #expect(referenceSamples.count == 32000)
      #expect(samples == referenceSamples)
    }
  }

  @Test(
    "ffmpeg's PCMU and PCMA over RTP: received, decoded sample-exact against ffmpeg's own",
    .enabled(if: hasFFmpeg), arguments: [("u", "pcm_mulaw", "mulaw"), ("a", "pcm_alaw", "alaw")])
  func ffmpegG711(law: String, codec: String, format: String) throws {
    let directory = Shell.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let port = Loopback.port() & ~1
    // One encode, two outputs: the RTP stream and the same G.711 bytes to a file.
    let source = "-f lavfi -i sine=frequency=440:duration=2:sample_rate=8000 -ac 1"
    let exchange = try Self.receiveAndDecode(
      port: port, law: law,
      send:
        "ffmpeg -nostdin -hide_banner -loglevel error \(source) -map 0 -c:a \(codec) -f rtp"
        + " rtp://127.0.0.1:\(port) -map 0 -c:a \(codec) -f \(format) ref.g711",
      decodeReference:
        "ffmpeg -nostdin -loglevel error -f \(format) -ar 8000 -ac 1 -i ref.g711 -f s16le ref.s16",
      in: directory)
    exchange.expectExact()
  }

  @Test(
    "GStreamer's PCMU and PCMA over RTP: received, decoded sample-exact against GStreamer's own",
    .enabled(if: hasGStreamer),
    arguments: [("u", "mulaw", "rtppcmupay"), ("a", "alaw", "rtppcmapay")])
  func gstreamerG711(law: String, name: String, payloader: String) throws {
    let directory = Shell.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let port = Loopback.port() & ~1
    // One encoder, teed: the payloader's stream and the same G.711 bytes to a file.
    let exchange = try Self.receiveAndDecode(
      port: port, law: law,
      send:
        "gst-launch-1.0 -q audiotestsrc num-buffers=100 samplesperbuffer=160"
        + " ! audio/x-raw,rate=8000,channels=1,format=S16LE ! \(name)enc ! tee name=t"
        + " t. ! queue ! \(payloader) ! udpsink host=127.0.0.1 port=\(port) sync=false"
        + " t. ! queue ! filesink location=ref.g711",
      decodeReference:
        "gst-launch-1.0 -q filesrc location=ref.g711 ! audio/x-\(name),rate=8000,channels=1"
        + " ! \(name)dec ! filesink location=ref.s16",
      in: directory)
    exchange.expectExact()
  }
}
