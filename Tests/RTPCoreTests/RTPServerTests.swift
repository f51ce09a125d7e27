import RTPCore
import Synchronization
import Testing

@testable import RTPAnalysis
@testable import RTPBase
@testable import RTPCaptures
@testable import RTPNetwork

#if canImport(Glibc)
  import Glibc
#endif

/// What a channel's callback received, gathered for the test thread.
private final class Inbox: Sendable {
  struct Arrival {
    var bytes: [UInt8]
    var source: Endpoint
    var time: ReceiveTime
  }
  let arrivals = LockedValue<[Arrival]>([])

  var handler: RTPChannel.PacketHandler {
    { bytes, source, time in
      self.arrivals.withLock { $0.append(Arrival(bytes: Array(bytes), source: source, time: time)) }
    }
  }

  var count: Int { arrivals.withLock { $0.count } }
  var all: [Arrival] { arrivals.withLock { $0 } }
}

/// A channel reference a callback can use once the channel exists.
private final class ChannelBox: Sendable {
  let channel = LockedValue<RTPChannel?>(nil)
}

private func percentile(_ sorted: [Int64], _ fraction: Double) -> Int64 {
  sorted[min(sorted.count - 1, Int(Double(sorted.count - 1) * fraction))]
}

/// Sends `bytes`, yielding while the queue is full.
private func sendRetrying(_ channel: RTPChannel, _ bytes: [UInt8]) throws {
  while true {
    do {
      try channel.send(bytes)
      return
    } catch NetworkError.queueFull {
      sched_yield()
    }
  }
}

private func ipv6LoopbackWorks() -> Bool {
  guard let server = try? RTPServer() else { return false }
  defer { server.shutdown() }
  return
    (try? server.createChannel(
      onPacket: { _, _, _ in }, bindingTo: Endpoint(address: .v6(.loopback), port: 0),
      options: RTPChannelOptions(family: .ipv6)))
    != nil
}

@Suite("RTPServer and RTPChannel on loopback")
struct RTPServerTests {
  @Test("A datagram echoes through a channel and back")
  func echo() throws {
    let server = try RTPServer()
    defer { server.shutdown() }
    let box = ChannelBox()
    let echo = try server.createChannel(
      onPacket: { bytes, source, _ in
        try? box.channel.withLock { $0 }?.send(bytes, to: source)
      }, bindingTo: Endpoint(address: .v4(.loopback), port: 0))
    box.channel.withLock { $0 = echo }
    let inbox = Inbox()
    let client = try server.createChannel(
      onPacket: inbox.handler, bindingTo: Endpoint(address: .v4(.loopback), port: 0))
    try client.setTarget(echo.localAddress)
    try client.send(Array("hello".utf8))
    #expect(waitFor { inbox.count == 1 })
    let arrival = try #require(inbox.all.first)
    #expect(arrival.bytes == Array("hello".utf8))
    #expect(arrival.source == echo.localAddress)
    #expect(echo.counters.received == 1)
    #expect(echo.counters.sent == 1)
    #expect(client.counters.sent == 1)
  }

  @Test("A full queue throws queueFull and counts it; close discards what had not left")
  func queueFull() throws {
    let server = try RTPServer()
    defer { server.shutdown() }
    let channel = try server.createChannel(
      onPacket: { _, _, _ in }, bindingTo: Endpoint(address: .v4(.loopback), port: 0),
      options: RTPChannelOptions(sending: RTPChannelSendOptions(queueSize: 4)))
    try channel.setTarget(channel.localAddress)
    let later = NetworkClock.monotonic + .seconds(60)
    for _ in 0..<4 { try channel.send(Array("x".utf8), at: later) }
    #expect(throws: NetworkError.queueFull) { try channel.send(Array("x".utf8), at: later) }
    #expect(channel.counters.queueFull == 1)
    #expect(channel.pendingCount == 4)
    channel.close()
    #expect(channel.counters.discarded == 4)
    #expect(channel.counters.sent == 0)
  }

  @Test("Queue sizes that are not powers of two are refused", arguments: [0, -4, 3, 24])
  func invalidQueueSize(size: Int) throws {
    let server = try RTPServer()
    defer { server.shutdown() }
    #expect(throws: NetworkError.invalidQueueSize(size)) {
      try server.createChannel(
        onPacket: { _, _, _ in }, bindingTo: Endpoint(address: .v4(.loopback), port: 0),
        options: RTPChannelOptions(sending: RTPChannelSendOptions(queueSize: size)))
    }
  }

  @Test("send needs a target, a matching family and a datagram within the limit")
  func sendPreconditions() throws {
    let server = try RTPServer()
    defer { server.shutdown() }
    let channel = try server.createChannel(
      onPacket: { _, _, _ in }, bindingTo: Endpoint(address: .v4(.loopback), port: 0),
      options: RTPChannelOptions(sending: RTPChannelSendOptions(maxPacketSize: 100)))
    #expect(throws: NetworkError.noTarget) { try channel.send([1, 2, 3]) }
    let v6 = try #require(Endpoint("[::1]:9"))
    #expect(throws: NetworkError.addressFamilyMismatch(v6)) { try channel.setTarget(v6) }
    try channel.setTarget(channel.localAddress)
    #expect(throws: NetworkError.packetTooLarge(size: 101, limit: 100)) {
      try channel.send([UInt8](repeating: 0, count: 101))
    }
  }

  @Test("close and shutdown are safe twice; a closed channel refuses sends")
  func closeAndShutdownTwice() throws {
    let server = try RTPServer()
    let first = try server.createChannel(
      onPacket: { _, _, _ in }, bindingTo: Endpoint(address: .v4(.loopback), port: 0))
    let second = try server.createChannel(
      onPacket: { _, _, _ in }, bindingTo: Endpoint(address: .v4(.loopback), port: 0))
    try first.setTarget(second.localAddress)
    first.close()
    first.close()
    #expect(first.isClosed)
    #expect(!second.isClosed)
    #expect(throws: NetworkError.closed) { try first.send([1]) }
    server.shutdown()
    server.shutdown()
    #expect(server.isShutDown)
    #expect(second.isClosed)
    second.close()
    #expect(throws: NetworkError.closed) {
      try server.createChannel(
        onPacket: { _, _, _ in }, bindingTo: Endpoint(address: .v4(.loopback), port: 0))
    }
  }

  @Test("A channel can close itself from its own callback")
  func closeFromCallback() throws {
    let server = try RTPServer()
    defer { server.shutdown() }
    let box = ChannelBox()
    let seen = Atomic<Int>(0)
    let channel = try server.createChannel(
      onPacket: { _, _, _ in
        seen.add(1, ordering: .relaxed)
        box.channel.withLock { $0 }?.close()
      }, bindingTo: Endpoint(address: .v4(.loopback), port: 0))
    box.channel.withLock { $0 = channel }
    try channel.setTarget(channel.localAddress)
    try channel.send([7])
    // The first datagram may already have come back and closed the channel (under load it
    // did): the next sends may be refused as closed, which is what the test is about.
    for _ in 0..<2 { _ = try? channel.send([7]) }
    #expect(waitFor { channel.isClosed })
    #expect(seen.load(ordering: .relaxed) == 1)
  }

  @Test("A receive-only channel receives, has no queue, and refuses to send")
  func receiveOnly() throws {
    let server = try RTPServer()
    defer { server.shutdown() }
    let inbox = Inbox()
    let receiver = try server.createChannel(
      onPacket: inbox.handler, bindingTo: Endpoint(address: .v4(.loopback), port: 0),
      options: .receiveOnly())
    #expect(receiver.sending == nil)
    #expect(receiver.queueSize == 0)
    #expect(receiver.maxPacketSize == 0)
    #expect(receiver.queue == nil)
    try receiver.setTarget(receiver.localAddress)
    #expect(throws: NetworkError.receiveOnly) { try receiver.send([1, 2, 3]) }
    #expect(throws: NetworkError.receiveOnly) {
      try receiver.send([1], at: NetworkClock.monotonic)
    }
    #expect(receiver.pendingCount == 0)
    let sender = try server.createChannel(
      onPacket: { _, _, _ in }, bindingTo: Endpoint(address: .v4(.loopback), port: 0))
    try sender.setTarget(receiver.localAddress)
    try sender.send(Array("in".utf8))
    #expect(waitFor { inbox.count == 1 })
    #expect(inbox.all.first?.bytes == Array("in".utf8))
    receiver.close()
    #expect(receiver.counters.received == 1)
    #expect(receiver.counters.discarded == 0)
    #expect(receiver.counters.sent == 0)
  }

  @Test("Channel options default to a session's sockets; a session's RTCP socket sends little")
  func defaultsAgree() {
    let channel = RTPChannelOptions()
    let session = RTPSessionConfiguration(peer: nil, receivePort: 0, payloadType: 0)
    #expect(channel.receiveBufferSize == session.receiveBufferSize)
    #expect(channel.sending?.queueSize == session.sendQueueSize)
    #expect(channel.sending?.maxPacketSize == session.maxPacketSize)
    #expect(channel.sending?.sendBufferSize == session.sendBufferSize)
    #expect(channel.family == .auto)
    #expect(RTPChannelOptions.receiveOnly().sending == nil)
  }

  @Test("Port 0 binds an ephemeral port; a port in use is a bind error")
  func ephemeralPort() throws {
    let server = try RTPServer()
    defer { server.shutdown() }
    let a = try server.createChannel(
      onPacket: { _, _, _ in }, bindingTo: Endpoint(address: .v4(.loopback), port: 0))
    let b = try server.createChannel(
      onPacket: { _, _, _ in }, bindingTo: Endpoint(address: .v4(.loopback), port: 0))
    #expect(a.localAddress.port != 0)
    #expect(b.localAddress.port != 0)
    #expect(a.localAddress != b.localAddress)
    #expect(a.localAddress.address == .v4(.loopback))
    do {
      _ = try server.createChannel(
        onPacket: { _, _, _ in },
        bindingTo: Endpoint(address: .v4(.loopback), port: a.localAddress.port))
      Issue.record("binding a port in use succeeded")
    } catch {
      #expect(
        error
          == .cannotBind(
            Endpoint(address: .v4(.loopback), port: a.localAddress.port),
            SystemError("bind", errno: .addressInUse)))
      #expect(
        "\(error)" == "cannot bind 127.0.0.1:\(a.localAddress.port): Address already in use")
      #expect(error.isUnavailable)
    }
    // Names are resolved before binding, by HostResolver; a channel binds an address.
    #expect(throws: NetworkError.self) {
      try HostResolver.resolve("no-such-host.invalid", port: 0)
    }
    let v6 = Endpoint(address: .v6(.loopback), port: 0)
    #expect(throws: NetworkError.addressFamilyMismatch(v6)) {
      try server.createChannel(
        onPacket: { _, _, _ in }, bindingTo: v6, options: RTPChannelOptions(family: .ipv4))
    }
    let wildcard = try server.createChannel(onPacket: { _, _, _ in })
    #expect(wildcard.localAddress.address == .v4(.any))
  }

  @Test("IPv6: echo over ::1, and a dual-stack socket reaching an IPv4 peer")
  func ipv6() throws {
    try #require(ipv6LoopbackWorks(), "::1 is not available here")
    let server = try RTPServer()
    defer { server.shutdown() }
    let inbox = Inbox()
    let receiver = try server.createChannel(
      onPacket: inbox.handler, bindingTo: Endpoint(address: .v6(.loopback), port: 0),
      options: RTPChannelOptions(family: .ipv6))
    #expect(receiver.localAddress.address == IPAddress("::1"))
    let sender = try server.createChannel(
      onPacket: { _, _, _ in }, bindingTo: Endpoint(address: .v6(.loopback), port: 0))
    try sender.setTarget(receiver.localAddress)
    try sender.send(Array("six".utf8))
    #expect(waitFor { inbox.count == 1 })
    #expect(inbox.all.first?.bytes == Array("six".utf8))
    #expect(inbox.all.first?.source == sender.localAddress)

    let v4Inbox = Inbox()
    let v4 = try server.createChannel(
      onPacket: v4Inbox.handler, bindingTo: Endpoint(address: .v4(.loopback), port: 0))
    let dual = try server.createChannel(
      onPacket: { _, _, _ in }, bindingTo: Endpoint(address: .v6(.any), port: 0))
    try dual.setTarget(v4.localAddress)
    try dual.send(Array("four".utf8))
    #expect(waitFor { v4Inbox.count == 1 })
    #expect(v4Inbox.all.first?.source.address == .v4(.loopback))
  }

  @Test("10,000 packets between two channels arrive byte-equal with kernel timestamps")
  func tenThousand() throws {
    let server = try RTPServer()
    defer { server.shutdown() }
    let inbox = Inbox()
    let receiver = try server.createChannel(
      onPacket: inbox.handler, bindingTo: Endpoint(address: .v4(.loopback), port: 0))
    let sender = try server.createChannel(
      onPacket: { _, _, _ in }, bindingTo: Endpoint(address: .v4(.loopback), port: 0),
      options: RTPChannelOptions(sending: RTPChannelSendOptions(queueSize: 1024)))
    try sender.setTarget(receiver.localAddress)
    let total = 10_000
    func packet(_ index: Int) -> [UInt8] {
      (0..<172).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ index &* 7 &+ (index >> 8)) }
    }
    let started = NetworkClock.realtime
    for index in 0..<total {
      try sendRetrying(sender, packet(index))
    }
    #expect(waitFor { inbox.count + receiver.counters.kernelDrops >= total })
    let finished = NetworkClock.realtime
    let arrivals = inbox.all
    #expect(receiver.counters.kernelDrops == 0)
    #expect(arrivals.count == total)
    #expect(sender.counters.sent == total)
    #expect(sender.counters.sendErrors == 0)
    var previous: Int64 = 0
    var mismatches = 0
    for (index, arrival) in arrivals.enumerated() {
      if arrival.bytes != packet(index) { mismatches += 1 }
      #expect(arrival.source == sender.localAddress)
      #expect(arrival.time.realtime >= previous)
      previous = arrival.time.realtime
    }
    #expect(mismatches == 0)
    // Plausible: within a second of the wall clock around the run.
    #expect(arrivals.first!.time.realtime > started - 1_000_000_000)
    #expect(arrivals.last!.time.realtime < finished + 1_000_000_000)
  }

  @Test("The kernel drop counter reports what a full receive buffer lost")
  func kernelDrops() throws {
    let sendingServer = try RTPServer()
    let receivingServer = try RTPServer()
    defer {
      sendingServer.shutdown()
      receivingServer.shutdown()
    }
    let release = Atomic<Bool>(false)
    let received = Atomic<Int>(0)
    let receiver = try receivingServer.createChannel(
      onPacket: { _, _, _ in
        // Hold the worker on the first datagram so the socket's small buffer overflows.
        while !release.load(ordering: .acquiring) { usleep(200) }
        received.add(1, ordering: .relaxed)
      }, bindingTo: Endpoint(address: .v4(.loopback), port: 0),
      options: RTPChannelOptions(receiveBufferSize: 4096))
    let sender = try sendingServer.createChannel(
      onPacket: { _, _, _ in }, bindingTo: Endpoint(address: .v4(.loopback), port: 0),
      options: RTPChannelOptions(sending: RTPChannelSendOptions(queueSize: 256)))
    try sender.setTarget(receiver.localAddress)
    let total = 2000
    let payload = [UInt8](repeating: 0x55, count: 172)
    for _ in 0..<total {
      try sendRetrying(sender, payload)
    }
    #expect(waitFor { sender.counters.sent == total })
    release.store(true, ordering: .releasing)
    #expect(
      waitFor {
        received.load(ordering: .relaxed) + receiver.counters.kernelDrops == total
      })
    let drops = receiver.counters.kernelDrops
    #expect(drops > 0)
    #expect(receiver.counters.received + drops == total)
    print("kernel drops: \(drops) of \(total) with a 4 KiB receive buffer")
  }

  @Test("Deadline sends leave no earlier than their deadline")
  func deadlines() throws {
    let server = try RTPServer()
    defer { server.shutdown() }
    let inbox = Inbox()
    let receiver = try server.createChannel(
      onPacket: inbox.handler, bindingTo: Endpoint(address: .v4(.loopback), port: 0))
    let sender = try server.createChannel(
      onPacket: { _, _, _ in }, bindingTo: Endpoint(address: .v4(.loopback), port: 0),
      options: RTPChannelOptions(sending: RTPChannelSendOptions(queueSize: 256)))
    try sender.setTarget(receiver.localAddress)
    let count = 200
    let start = NetworkClock.monotonic + .milliseconds(20)
    let deadlines = (0..<count).map { start + .milliseconds($0) }
    for (index, deadline) in deadlines.enumerated() {
      var bytes = [UInt8](repeating: 0, count: 172)
      bytes[0] = UInt8(index >> 8)
      bytes[1] = UInt8(index & 0xFF)
      try sender.send(bytes, at: deadline)
    }
    #expect(waitFor { inbox.count == count })
    var lateness: [Int64] = []
    for arrival in inbox.all {
      let index = Int(arrival.bytes[0]) << 8 | Int(arrival.bytes[1])
      lateness.append((arrival.time.monotonic - deadlines[index]).saturatingNanoseconds)
    }
    let early = lateness.filter { $0 < 0 }
    #expect(early.isEmpty, "sent before the deadline by \(early.map { -$0 }) ns")
    lateness.sort()
    print(
      "deadline lateness over \(lateness.count) sends: p50 \(percentile(lateness, 0.5) / 1000) µs,"
        + " p99 \(percentile(lateness, 0.99) / 1000) µs, max \(lateness.last! / 1000) µs")
  }

  @Test("A channel records how late its deadline sends left, readable once closed")
  func latenessRecorded() throws {
    let server = try RTPServer()
    defer { server.shutdown() }
    let inbox = Inbox()
    let receiver = try server.createChannel(
      onPacket: inbox.handler, bindingTo: Endpoint(address: .v4(.loopback), port: 0))
    let sender = try server.createChannel(
      onPacket: { _, _, _ in }, bindingTo: Endpoint(address: .v4(.loopback), port: 0),
      options: RTPChannelOptions(sending: RTPChannelSendOptions(queueSize: 64)))
    try sender.setTarget(receiver.localAddress)
    let start = NetworkClock.monotonic + .milliseconds(10)
    for index in 0..<20 {
      try sender.send(
        [UInt8](repeating: UInt8(index), count: 100), at: start + .microseconds(500) * index)
    }
    // Sent "now": not counted.
    for _ in 0..<5 { try sender.send([UInt8](repeating: 0xEE, count: 100)) }
    #expect(sender.lateness == nil)
    #expect(waitFor { inbox.count == 25 })
    sender.close()
    let lateness = try #require(sender.lateness)
    #expect(lateness.count == 20)
    // Departure is read after sendmmsg returns, so never before the deadline; the bound is a
    // guard against nonsense (seconds), not a timing assertion.
    #expect(lateness.percentile(0) >= .zero)
    #expect(lateness.maximum < .seconds(5))
    print(
      "recorded lateness: p50 \(lateness.percentile(0.5)), p99 \(lateness.percentile(0.99)),"
        + " max \(lateness.maximum)")
  }
}
