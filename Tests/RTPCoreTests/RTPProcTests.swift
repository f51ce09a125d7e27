import RTPCore
import Synchronization
import Testing

@testable import RTPBase
@testable import RTPNetwork

#if canImport(Glibc)
  import Glibc
#endif

private struct Boom: Error, Equatable {
  var run: Int
}

@Suite("RTPProc scheduler")
struct RTPProcTests {
  @Test("200 runs at 5 ms keep an exact schedule and never run early")
  func driftFree() throws {
    let proc = try RTPProc(name: "test-proc")
    defer { proc.shutdown() }
    let period = Duration.milliseconds(5)
    let calls = LockedValue<[(now: NetworkInstant, deadline: NetworkInstant?)]>([])
    let channel = try proc.createChannel(name: "drift") { now, deadline in
      let count = calls.withLock {
        $0.append((now, deadline))
        return $0.count
      }
      guard count <= 200 else { return nil }
      return (deadline ?? now) + period
    }
    #expect(waitFor { !channel.isScheduled })
    let seen = calls.withLock { $0 }
    #expect(seen.count == 201)
    #expect(seen[0].deadline == nil)
    for index in 1..<seen.count {
      let deadline = try #require(seen[index].deadline)
      #expect(deadline == seen[0].now + period * index)
      #expect(seen[index].now >= deadline)
    }
    var lateness = seen.dropFirst().map { ($0.now - $0.deadline!).saturatingNanoseconds }
    lateness.sort()
    print(
      "RTPProc lateness over \(lateness.count) runs: p50 \(lateness[lateness.count / 2] / 1000) µs,"
        + " p99 \(lateness[lateness.count * 99 / 100] / 1000) µs")
    try channel.close()
  }

  @Test("A throwing callback is unscheduled and close() rethrows its error, named")
  func throwingCallback() throws {
    let proc = try RTPProc()
    defer { proc.shutdown() }
    let runs = Atomic<Int>(0)
    let channel = try proc.createChannel(name: "faulty") { now, deadline in
      let run = runs.add(1, ordering: .relaxed).newValue
      if run == 3 { throw Boom(run: run) }
      return (deadline ?? now) + .milliseconds(1)
    }
    #expect(waitFor { !channel.isScheduled })
    #expect(runs.load(ordering: .relaxed) == 3)
    do {
      try channel.close()
      Issue.record("close() did not rethrow")
    } catch {
      guard case .callbackFailed(let name, let underlying) = error else {
        Issue.record("unexpected \(error)")
        return
      }
      #expect(name == "faulty")
      #expect(underlying as? Boom == Boom(run: 3))
      #expect(error.description.contains("faulty"))
    }
  }

  @Test("Returning nil stops; close() stops a running schedule for good")
  func stopping() throws {
    let proc = try RTPProc()
    defer { proc.shutdown() }
    let once = Atomic<Int>(0)
    let single = try proc.createChannel { _, _ in
      once.add(1, ordering: .relaxed)
      return nil
    }
    #expect(waitFor { once.load(ordering: .relaxed) == 1 && !single.isScheduled })
    try single.close()

    let ticks = Atomic<Int>(0)
    let periodic = try proc.createChannel { now, deadline in
      ticks.add(1, ordering: .relaxed)
      return (deadline ?? now) + .milliseconds(1)
    }
    #expect(waitFor { ticks.load(ordering: .relaxed) >= 5 })
    try periodic.close()
    let afterClose = ticks.load(ordering: .relaxed)
    usleep(20_000)
    #expect(ticks.load(ordering: .relaxed) == afterClose)
    #expect(once.load(ordering: .relaxed) == 1)
  }

  @Test("shutdown is safe twice; a shut-down scheduler refuses channels")
  func shutdownTwice() throws {
    let proc = try RTPProc()
    let channel = try proc.createChannel { now, deadline in
      (deadline ?? now) + .milliseconds(1)
    }
    proc.shutdown()
    proc.shutdown()
    #expect(!channel.isScheduled)
    try channel.close()
    #expect(throws: RTPProcError.self) { try proc.createChannel { _, _ in nil } }
  }

  @Test("The shared scheduler runs callbacks")
  func shared() throws {
    let ran = Atomic<Bool>(false)
    let channel = try RTPProc.shared.createChannel { _, _ in
      ran.store(true, ordering: .releasing)
      return nil
    }
    #expect(waitFor { ran.load(ordering: .acquiring) })
    try channel.close()
  }
}
