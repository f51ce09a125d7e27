import Foundation
import Testing

/// rtprecv's end of a call and its accounting of what it wrote, over loopback, bounded by
/// --idle-timeout.
@Suite("rtprecv: idle timeout after a call, written means written", .serialized)
struct RTPRecvToolTests {
  typealias Loopback = RTPSendRecvToolTests

  @Test(
    "--idle-timeout after datagrams arrived is the normal end (0); with none from --peer, 2",
    arguments: [("", 0), ("--peer 127.0.0.1", 0), ("--peer 127.0.0.9", 2)])
  func idleAfterCall(peer: String, status: Int) throws {
    let directory = Shell.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let port = Loopback.port()
    let result = Loopback.exchange(
      port: port, receive: "--listen 127.0.0.1:\(port) \(peer) --idle-timeout 0.5 --stats",
      send: "rtpgen --count 10 | rtpsend --pace none --to 127.0.0.1:\(port)", in: directory)
    #expect(result.status == 0, "\(result.stderr)")
    #expect(Loopback.status(directory) == status)
    let stats = Loopback.stats(directory.appendingPathComponent("recv.err").path)
    #expect(stats["received"] == 10)
    #expect(stats["written"] == (status == 0 ? 10 : 0))
  }

  @Test("Writing to /dev/full: written counts only records that reached the output (none)")
  func writtenOnFullDisk() throws {
    let directory = Shell.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let port = Loopback.port()
    let result = Shell.run(
      """
      \(Loopback.waitPort)
      rtprecv --listen 127.0.0.1:\(port) --idle-timeout 2 --stats > /dev/full 2> recv.err & pid=$!
      waitport \(port) || exit 1
      rtpgen --count 10 | rtpsend --pace none --to 127.0.0.1:\(port)
      wait $pid; echo $? > recv.rc
      """, in: directory)
    #expect(result.status == 0, "\(result.stderr)")
    #expect(Loopback.status(directory) == 74)
    let errors = try String(
      contentsOf: directory.appendingPathComponent("recv.err"), encoding: .utf8)
    #expect(errors.contains("rtprecv: stdout: write failed at byte 0: "), "\(errors)")
    let stats = Loopback.stats(directory.appendingPathComponent("recv.err").path)
    let received = try #require(stats["received"])
    #expect(received > 0)
    #expect(stats["written"] == 0, "\(errors)")
    #expect(
      (stats["written"] ?? -1) + (stats["rejected"] ?? -1) + (stats["notWritten"] ?? -1)
        == received, "\(errors)")
  }

  @Test(
    "A SIGINT while rtprecv is still starting (parsing its command line) ends it with a valid capture"
  )
  func signalDuringStartup() throws {
    let directory = Shell.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let port = RTPSendRecvToolTests.port()
    // A thousand repeated options keep ArgumentParser busy for a while, so the signal lands
    // before any option is known. A shell starts a background job with SIGINT ignored: a
    // signal that is neither blocked nor handled then is discarded, and rtprecv would record
    // forever (it did: the test's 10 s bound ended it).
    let result = Shell.run(
      """
      args=$(yes -- '--count 5' | head -1000 | tr '\\n' ' ')
      rtprecv --listen 127.0.0.1:\(port) $args > out.pcap 2> err & pid=$!
      sleep 0.1
      kill -INT $pid
      \(Shell.waitUntil)
      gone() { ! kill -0 $pid 2>/dev/null; }
      waituntil gone
      if kill -0 $pid 2>/dev/null; then kill -9 $pid; echo hung; else wait $pid; echo "exit $?"; fi
      """, in: directory)
    #expect(result.output == "exit 0\n", "\(result.output) \(result.stderr)")
    let capture = try Data(contentsOf: directory.appendingPathComponent("out.pcap"))
    #expect(capture.count == 24 && capture.prefix(4) == Data([0xD4, 0xC3, 0xB2, 0xA1]))
  }

  /// A link-local IPv6 address of this host with its interface's name and index, from
  /// /proc/net/if_inet6; `nil` when there is none.
  static func linkLocal() -> (address: String, interface: String, index: Int)? {
    guard let table = try? String(contentsOfFile: "/proc/net/if_inet6", encoding: .utf8) else {
      return nil
    }
    for line in table.split(separator: "\n") {
      let fields = line.split(separator: " ", omittingEmptySubsequences: true)
      guard fields.count == 6, fields[0].hasPrefix("fe80"), fields[5] != "lo",
        let index = Int(fields[1], radix: 16)
      else { continue }
      let hex = Array(fields[0])
      let groups = stride(from: 0, to: 32, by: 4).map { String(hex[$0..<($0 + 4)]) }
      return (groups.joined(separator: ":"), String(fields[5]), index)
    }
    return nil
  }

  @Test(
    "A link-local address with its zone, by name and by number: rtprecv binds it, rtpsend reaches it"
  )
  func zoneIdentifiers() throws {
    guard let local = Self.linkLocal() else {
      print("skipped: no link-local IPv6 address on this host")
      return
    }
    for zone in [local.interface, String(local.index)] {
      let directory = Shell.temporaryDirectory()
      defer { try? FileManager.default.removeItem(at: directory) }
      let port = RTPSendRecvToolTests.port()
      // The host's own address: the datagrams never leave it.
      let address = "[\(local.address)%\(zone)]:\(port)"
      let result = RTPSendRecvToolTests.exchange(
        port: port, receive: "--listen '\(address)' --count 20 --idle-timeout 5 --stats",
        send: "rtpgen --count 20 | rtpsend --pace none --to '\(address)'", in: directory)
      #expect(result.status == 0, "\(zone): \(result.stderr)")
      #expect(RTPSendRecvToolTests.status(directory) == 0, "\(zone)")
      let errors =
        (try? String(contentsOf: directory.appendingPathComponent("recv.err"), encoding: .utf8))
        ?? ""
      #expect(errors.contains(#""received":20"#), "\(zone): \(errors)")
    }
  }
}
