import Foundation
import Testing

/// IPv4 and IPv6 fragment reassembly as the tools see it: many datagrams in flight, the table's
/// bounds, and every fragment accounted for in --stats and on the skip line.
@Suite("IP fragment reassembly through the tools")
struct FragmentToolTests {
  typealias F = FragmentCapture

  /// Writes `frames` as `name` in `dir`.
  static func write(_ frames: [[UInt8]], _ name: String, in dir: URL, seconds: [UInt32]? = nil)
    throws
  {
    try F.pcap(frames, seconds: seconds).write(to: dir.appendingPathComponent(name))
  }

  /// The lines of `stderr` that are not the --stats object.
  static func messages(_ result: Shell.Result) -> [String] {
    result.stderr.split(separator: "\n").map(String.init).filter { !$0.hasPrefix("{") }
  }

  /// RTP sequence numbers tshark reads in `file` with UDP port 5004 decoded as RTP.
  static func tsharkSequences(_ file: String, in dir: URL) -> [Int] {
    Shell.run(
      "tshark -n -r \(file) -d udp.port==5004,rtp -Y rtp -T fields -e rtp.seq", in: dir
    ).lines.compactMap { Int($0) }
  }

  @Test(
    "interleaved fragmented datagrams in flight (every first fragment, then every second) are all found",
    arguments: [65, 5_000])
  func interleaved(count: Int) throws {
    let dir = Shell.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let fragments = (0..<count).map { sequence in
      F.ipv4Fragments(F.udp(F.rtp(sequence: sequence)), identification: sequence)
    }
    try Self.write(fragments.map { $0[0] } + fragments.map { $0[1] }, "f.pcap", in: dir)

    let stat = Shell.run("rtpstat --stats f.pcap > /dev/null", in: dir)
    #expect(stat.status == 0, "\(stat.stderr)")
    #expect(Self.messages(stat).isEmpty, "\(stat.stderr)")
    let counts = RTPJBToolTests.stats(stat)
    #expect(counts["read"] == 2 * count)
    #expect(counts["streams"] == 1)
    #expect(counts["packets"] == count)
    #expect(counts["fragments"] == count)
    #expect(counts["skipped"] == 0)

    let jb = Shell.run("rtpjb --stats --output payload f.pcap > out.raw", in: dir)
    #expect(jb.status == 0, "\(jb.stderr)")
    let played = RTPJBToolTests.stats(jb)
    #expect(played["ready"] == count)
    #expect(played["fragments"] == count)
    #expect(RTPJBToolTests.balanced(played), "\(jb.stderr)")
    let payload = try Data(contentsOf: dir.appendingPathComponent("out.raw"))
    #expect(payload == Data((0..<count).flatMap { F.payload($0) }))

    if Shell.has("tshark") {
      #expect(Self.tsharkSequences("f.pcap", in: dir) == Array(0..<count))
    }
  }

  @Test("IPv6 fragments reassemble as tshark reads them, and atomic fragments are whole packets")
  func ipv6() throws {
    let dir = Shell.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    // 40 datagrams in three fragments: every first, every third (newest first), every second;
    // then 10 atomic fragments (offset 0, M clear) carrying whole datagrams.
    let fragments = (0..<40).map { sequence in
      F.ipv6Fragments(
        F.udp(F.rtp(sequence: sequence), ipv6: true),
        identification: 0x8000_0000 + UInt32(sequence),
        pieces: 3)
    }
    let atomic = (40..<50).map { sequence in
      F.ipv6Fragments(
        F.udp(F.rtp(sequence: sequence), ipv6: true), identification: UInt32(sequence), pieces: 1)[
          0]
    }
    let frames =
      fragments.map { $0[0] } + fragments.reversed().map { $0[2] } + fragments.map { $0[1] }
      + atomic
    try Self.write(frames, "v6.pcap", in: dir)

    let stat = Shell.run("rtpstat --stats v6.pcap > /dev/null", in: dir)
    #expect(stat.status == 0, "\(stat.stderr)")
    #expect(Self.messages(stat).isEmpty, "\(stat.stderr)")
    let counts = RTPJBToolTests.stats(stat)
    #expect(counts["read"] == 130)
    #expect(counts["packets"] == 50)
    #expect(counts["fragments"] == 80)

    let jb = Shell.run("rtpjb --stats --output payload v6.pcap > out.raw", in: dir)
    #expect(jb.status == 0, "\(jb.stderr)")
    #expect(RTPJBToolTests.balanced(RTPJBToolTests.stats(jb)), "\(jb.stderr)")
    let payload = try Data(contentsOf: dir.appendingPathComponent("out.raw"))
    #expect(payload == Data((0..<50).flatMap { F.payload($0) }))

    if Shell.has("tshark") {
      #expect(Self.tsharkSequences("v6.pcap", in: dir).sorted() == Array(0..<50))
    }
  }

  @Test("a table full of datagrams in progress evicts the oldest, said on the skip line")
  func evictionByCount() throws {
    let dir = Shell.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    // 16,384 first fragments that never complete fill the table; the first fragments of 10
    // datagrams that follow each evict the oldest of them, then their second ones complete them.
    let junk = (0..<16_384).map { id in
      F.ipv4Frame(
        [UInt8](repeating: 0, count: 8), identification: id, offset: 0, moreFragments: true,
        source: [192, 0, 2, 9])
    }
    let real = (0..<10).map { sequence in
      F.ipv4Fragments(F.udp(F.rtp(sequence: sequence)), identification: sequence)
    }
    try Self.write(junk + real.map { $0[0] } + real.map { $0[1] }, "full.pcap", in: dir)
    let stat = Shell.run("rtpstat --stats full.pcap > /dev/null", in: dir)
    #expect(stat.status == 0, "\(stat.stderr)")
    #expect(
      Self.messages(stat) == [
        "rtpstat: full.pcap: skipped 16384 packets: 10 IPv4 fragments evicted, "
          + "16374 IPv4 fragments never completed"
      ])
    let counts = RTPJBToolTests.stats(stat)
    #expect(counts["read"] == 16_404)
    #expect(counts["packets"] == 10)
    #expect(counts["fragments"] == 10)
    #expect(counts["skipped"] == 16_384)

    let jb = Shell.run("rtpjb --stats full.pcap > out.pcap", in: dir)
    #expect(jb.status == 0, "\(jb.stderr)")
    #expect(jb.stderr.contains("10 IPv4 fragments evicted"), "\(jb.stderr)")
    let played = RTPJBToolTests.stats(jb)
    #expect(played["ready"] == 10)
    #expect(RTPJBToolTests.balanced(played), "\(jb.stderr)")
  }

  @Test("64 MiB of fragments held evicts the oldest datagram, said on the skip line")
  func evictionByMemory() throws {
    let dir = Shell.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    // 1,024 datagrams of 32 eight-byte fragments 2 KiB apart hold a 2 KiB block each: 64 MiB.
    let junk = (0..<1_024).flatMap { id in
      (0..<32).map { block in
        F.ipv4Frame(
          [UInt8](repeating: 1, count: 8), identification: id, offset: block * 2048,
          moreFragments: true, source: [192, 0, 2, 9])
      }
    }
    let real = (0..<10).flatMap { sequence in
      F.ipv4Fragments(F.udp(F.rtp(sequence: sequence)), identification: sequence)
    }
    try Self.write(junk + real, "big.pcap", in: dir)
    let stat = Shell.run("rtpstat --stats big.pcap > /dev/null", in: dir)
    #expect(stat.status == 0, "\(stat.stderr)")
    #expect(
      Self.messages(stat) == [
        "rtpstat: big.pcap: skipped 32768 packets: 32 IPv4 fragments evicted, "
          + "32736 IPv4 fragments never completed"
      ])
    let counts = RTPJBToolTests.stats(stat)
    #expect(counts["packets"] == 10)
    #expect(counts["fragments"] == 10)
    #expect(counts["read"] == 32_788)
  }

  @Test("expired, duplicate, inconsistent and never completed fragments each have their count")
  func everyFragmentCounted() throws {
    let dir = Shell.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let stale = F.ipv4Frame(
      [UInt8](repeating: 0, count: 8), identification: 100, offset: 0, moreFragments: true)
    let datagrams = (0..<4).map { sequence in
      F.ipv4Fragments(F.udp(F.rtp(sequence: sequence)), identification: sequence)
    }
    var liar = datagrams[2][0]
    liar[liar.count - 1] ^= 0xFF
    let frames =
      [stale] + datagrams[0] + [datagrams[1][0], datagrams[1][0], datagrams[1][1]]
      + [datagrams[2][0], liar, datagrams[2][1]] + datagrams[3]
    // The stale fragment is 40 s older than the rest: past the 30 s timeout.
    let seconds = [0] + [UInt32](repeating: 40, count: frames.count - 1)
    try Self.write(frames, "mixed.pcap", in: dir, seconds: seconds)
    let expected =
      "skipped 5 packets: 2 inconsistent IPv4 fragments, 1 duplicate IPv4 fragments, "
      + "1 IPv4 fragments expired, 1 IPv4 fragments never completed"

    let stat = Shell.run("rtpstat --stats mixed.pcap > /dev/null", in: dir)
    #expect(stat.status == 0, "\(stat.stderr)")
    #expect(Self.messages(stat) == ["rtpstat: mixed.pcap: \(expected)"])
    let counts = RTPJBToolTests.stats(stat)
    #expect(counts["read"] == 11)
    #expect(counts["packets"] == 3)
    #expect(counts["fragments"] == 3)
    #expect(counts["skipped"] == 5)

    let jb = Shell.run("rtpjb --stats mixed.pcap > out.pcap", in: dir)
    #expect(jb.status == 0, "\(jb.stderr)")
    #expect(Self.messages(jb).contains("rtpjb: mixed.pcap: \(expected)"), "\(jb.stderr)")
    let played = RTPJBToolTests.stats(jb)
    #expect(played["ready"] == 3)
    #expect(played["fragments"] == 3)
    #expect(RTPJBToolTests.balanced(played), "\(jb.stderr)")
  }
}
