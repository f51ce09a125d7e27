import Foundation
import Testing

/// Faults around the tools rather than in their input: a full disk under every tool that writes,
/// a process the system refuses a thread, and where rtprecv's socket is bound.
@Suite("Faults: full disks, refused threads, bound addresses", .serialized)
struct FaultToolTests {
  /// Every tool that writes standard output or a named file, each way it writes.
  static let writers = [
    "rtpgen --count 1000",
    "rtpgen --count 1000 --format pcapng",
    "rtpgen --count 100 | rtpjb",
    "rtpgen --count 100 | rtpjb --output payload",
    "rtpgen --count 100 | rtpjb --output events",
    "rtpgen --count 100 | rtpjb --list",
    "rtpgen --count 100 | rtpstat",
    "rtpgen --count 100 | rtpstat --json",
    "head -c 16000 /dev/zero | rtpulaw --decode",
    "head -c 16000 /dev/zero | rtpulaw --decode | rtpulaw --encode",
    "head -c 16000 /dev/zero | rtpulaw --decode | rtpresample --rate 16000",
  ]

  @Test("Writing to /dev/full is exit 74 with one line naming the output", arguments: writers)
  func fullDisk(pipeline: String) {
    let tool = pipeline.split(separator: "|").last!.split(separator: " ")[0]
    let result = Shell.run("\(pipeline) > /dev/full")
    #expect(result.status == 74, "\(result.stderr)")
    #expect(result.stderr.split(separator: "\n").count == 1, "\(result.stderr)")
    #expect(
      result.stderr.hasPrefix("\(tool): stdout: write failed at byte 0: "), "\(result.stderr)")
  }

  @Test("rtpstat --plot and -o to /dev/full are exit 74 naming the file")
  func fullDiskNamedFiles() {
    let plot = Shell.run("rtpgen --count 100 | rtpstat --plot /dev/full > /dev/null")
    #expect(plot.status == 74)
    #expect(plot.stderr.hasPrefix("rtpstat: /dev/full: write failed at byte 0: "), "\(plot.stderr)")
    let named = Shell.run("rtpgen --count 100 | rtpjb -o /dev/full")
    #expect(named.status == 74)
    #expect(named.stderr.hasPrefix("rtpjb: /dev/full: write failed at byte 0: "), "\(named.stderr)")
  }

  @Test("rtprecv writing to /dev/full: exit 74 with one line, with and without packets")
  func receiverFullDisk() {
    let directory = Shell.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let port = RTPSendRecvToolTests.port()
    let result = Shell.run(
      """
      \(RTPSendRecvToolTests.waitPort)
      rtprecv --listen 127.0.0.1:\(port) --idle-timeout 2 > /dev/full 2> recv.err & pid=$!
      waitport \(port) || exit 1
      rtpgen --count 10 | rtpsend --to 127.0.0.1:\(port)
      wait $pid; echo $?; cat recv.err
      rtprecv --listen 127.0.0.1:\(port) --idle-timeout 0.2 > /dev/full; echo $?
      """, in: directory)
    #expect(result.lines.count == 3, "\(result.output)")
    #expect(result.lines.first == "74")
    #expect(result.lines.dropFirst().first?.hasPrefix("rtprecv: stdout: write failed") == true)
    #expect(result.lines.last == "74")
    #expect(result.stderr.hasPrefix("rtprecv: stdout: write failed at byte 0: "))
    #expect(result.stderr.split(separator: "\n").count == 1)
  }

  @Test("A process refused a thread: rtpsend and rtprecv exit 70 with one line")
  func refusedThread() {
    let directory = Shell.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    // Threads take their stack size from RLIMIT_STACK: 4 GB stacks under a 3 GB address space
    // cannot be mapped, so pthread_create fails with EAGAIN while the main thread runs on.
    guard !Shell.sanitized else {
      print("skipped: a sanitizer's shadow memory does not fit under the address-space limit")
      return
    }
    let limits = "ulimit -s 4000000 && ulimit -v 3000000 || exit 99"
    let receiver = Shell.run(
      "\(limits)\nrtprecv --listen 127.0.0.1:\(RTPSendRecvToolTests.port()) --idle-timeout 1")
    if receiver.status == 99 {
      print("skipped: this shell cannot raise its stack limit to 4 GB")
      return
    }
    #expect(receiver.status == 70)
    #expect(receiver.stderr == "rtprecv: pthread_create: Resource temporarily unavailable\n")
    #expect(receiver.stdout.isEmpty)
    let sender = Shell.run(
      "rtpgen --count 10 > in.pcap\n(\(limits)\nrtpsend --to 127.0.0.1:9 in.pcap)",
      in: directory)
    #expect(sender.status == 70)
    #expect(sender.stderr == "rtpsend: pthread_create: Resource temporarily unavailable\n")
  }

  @Test("Out of descriptors setting up a session: each call's own failure, never a port in use")
  func outOfDescriptors() {
    let directory = Shell.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    // Each limit lets one more descriptor open: the epoll, eventfd and timerfd of the server,
    // then the RTP socket, then the RTCP one (which used to be reported as its port in use).
    let result = Shell.run(
      """
      rtpgen --count 10 > in.pcap
      for n in $(seq 4 24); do
        (ulimit -n $n && rtpsend --rtcp --pace none --to 127.0.0.1:9 in.pcap) > /dev/null 2> err
        echo "$? $(cat err)"
      done
      """, in: directory)
    #expect(result.status == 0, "\(result.stderr)")
    let runs = result.lines
    #expect(runs.count == 21, "\(result.output)")
    #expect(runs.last == "0 ", "the largest limit is enough: \(result.output)")
    for run in runs where !run.hasPrefix("0 ") {
      #expect(!run.contains("in use"), "\(run)")
      #expect(run.hasSuffix(": Too many open files"), "\(run)")
      #expect(run.hasPrefix("69 rtpsend: ") || run.hasPrefix("66 rtpsend: "), "\(run)")
    }
    for call in ["epoll_create1", "eventfd", "timerfd_create", "socket"] {
      #expect(runs.contains("69 rtpsend: \(call): Too many open files"), "\(result.output)")
    }
    // Two limits fail at a socket: the RTP one's and the RTCP one's.
    #expect(runs.filter { $0 == "69 rtpsend: socket: Too many open files" }.count == 2)
  }

  @Test(
    "rtprecv binds exactly the address it is told: nothing sent to another loopback address arrives",
    arguments: [("127.0.0.1", "127.0.0.2", "0100007F"), ("[::1]", "127.0.0.1", "")])
  func bindsWhereTold(listen: String, other: String, procAddress: String) throws {
    let directory = Shell.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let port = RTPSendRecvToolTests.port()
    let result = RTPSendRecvToolTests.exchange(
      port: port, receive: "--listen \(listen):\(port) --idle-timeout 1 --stats",
      send: """
        grep -hi ":\(String(format: "%04X", port)) " /proc/net/udp /proc/net/udp6 \
          | awk '{print $2}' > bound
        rtpgen --count 20 | rtpsend --pace none --to \(other):\(port)
        rtpgen --count 10 | rtpsend --pace none --to \(listen):\(port)
        """,
      in: directory)
    #expect(result.status == 0, "\(result.stderr)")
    let stats = RTPSendRecvToolTests.stats(directory.appendingPathComponent("recv.err").path)
    #expect(stats["received"] == 10)
    #expect(stats["written"] == 10)
    let bound = try String(contentsOf: directory.appendingPathComponent("bound"), encoding: .utf8)
    let addresses = bound.split(separator: "\n")
    #expect(addresses.count == 1, "\(bound)")
    let expected =
      procAddress.isEmpty
      ? "00000000000000000000000001000000:\(String(format: "%04X", port))"
      : "\(procAddress):\(String(format: "%04X", port))"
    #expect(addresses.first.map(String.init) == expected, "\(bound)")
  }
}
