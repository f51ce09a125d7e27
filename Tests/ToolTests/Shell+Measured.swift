import Foundation
import SystemPackage

#if canImport(Glibc)
  import Glibc
#endif

extension Shell {
  /// A pipeline's result and the most memory any process of it held.
  struct Measured {
    var result: Result
    /// The peak resident set of the largest process of the pipeline, in KiB, as GNU time reports
    /// it (`ru_maxrss` over the shell it starts and every process that shell waited for).
    var peakKiB: Int
  }

  /// Whether this test process, and so the tools it runs, was built with AddressSanitizer or
  /// ThreadSanitizer (`scripts/test --sanitize`): their shadow memory makes address-space limits
  /// and resident-set bounds meaningless, so tests that check memory skip those checks then.
  static let sanitized: Bool = {
    let names: [String] = ["__asan_init", "__tsan_init"]
    return names.contains { name in dlsym(UnsafeMutableRawPointer(bitPattern: 0), name) != nil }
  }()

  /// GNU time, which scripts/setup installs. The pipeline's shell must be its child, not this
  /// process's: a process spawned from here inherits this process's peak in `ru_maxrss` (Linux
  /// carries the peak of the address space an exec replaces, and posix_spawn's child shares
  /// ours), so a test process of 100 MB would see every pipeline at 100 MB.
  static let time = "/usr/bin/time"

  /// Runs `command` with `/bin/sh -c` in `directory` under GNU time, as ``run(_:input:in:)``
  /// does, and returns its peak memory too (-1 if time reported none). When `feed` is given, standard input is a pipe that `feed` writes to
  /// (it runs on the calling thread while the pipeline reads; the pipe is closed after it);
  /// otherwise standard input is `/dev/null`.
  static func measured(
    _ command: String, in directory: URL, feed: ((FileDescriptor) throws -> Void)? = nil
  ) -> Measured {
    let scratch = temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: scratch) }
    let outPath = scratch.appendingPathComponent("stdout").path
    let errPath = scratch.appendingPathComponent("stderr").path
    func failed(_ why: String) -> Measured {
      Measured(result: Result(status: -1, stdout: Data(), stderr: why), peakKiB: 0)
    }

    var ends: [Int32] = [-1, -1]
    if feed != nil {
      guard pipe(&ends) == 0 else { return failed("no pipe: \(errno)") }
    }
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    if feed != nil {
      posix_spawn_file_actions_adddup2(&actions, ends[0], 0)
      posix_spawn_file_actions_addclose(&actions, ends[0])
      posix_spawn_file_actions_addclose(&actions, ends[1])
    } else {
      posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
    }
    posix_spawn_file_actions_addopen(&actions, 1, outPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
    posix_spawn_file_actions_addopen(&actions, 2, errPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)

    var environment = ProcessInfo.processInfo.environment
    environment["PATH"] = productsDirectory.path + ":" + (environment["PATH"] ?? "/usr/bin:/bin")
    environment["SWIFT_BACKTRACE"] = "enable=no"
    let quoted = "'" + directory.path.replacingOccurrences(of: "'", with: "'\\''") + "'"
    let peakPath = scratch.appendingPathComponent("peak").path
    guard FileManager.default.isExecutableFile(atPath: time) else {
      return failed("\(time) is missing: run scripts/setup")
    }
    let arguments = [
      time, "-f", "%M", "-o", peakPath, "/bin/sh", "-c", "cd \(quoted) || exit 1\n\(command)",
    ]
    let environmentStrings = environment.map { "\($0.key)=\($0.value)" }
    let argv = arguments.map { strdup($0) } + [nil]
    let envp = environmentStrings.map { strdup($0) } + [nil]
    defer {
      for pointer in argv + envp { free(pointer) }
    }
    var pid: pid_t = 0
    let spawned = posix_spawn(&pid, time, &actions, nil, argv, envp)
    if feed != nil { close(ends[0]) }
    guard spawned == 0 else {
      if feed != nil { close(ends[1]) }
      return failed("cannot run \(time): \(spawned)")
    }
    var feedError: (any Error)? = nil
    if let feed {
      // A reader that ends early must not kill the test process.
      signal(SIGPIPE, SIG_IGN)
      do {
        try feed(FileDescriptor(rawValue: ends[1]))
      } catch {
        feedError = error
      }
      close(ends[1])
    }
    var status: Int32 = 0
    while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
    let exited = status & 0x7F == 0
    // GNU time's last line is the figure; a line before it says how the command ended.
    let report = (try? String(contentsOfFile: peakPath, encoding: .utf8)) ?? ""
    let peak = report.split(separator: "\n").last.flatMap { Int($0) } ?? -1
    var stderr = (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? ""
    if let feedError { stderr += "feeding standard input: \(feedError)\n" }
    return Measured(
      result: Result(
        status: exited ? (status >> 8) & 0xFF : 128 + (status & 0x7F),
        stdout: (try? Data(contentsOf: URL(fileURLWithPath: outPath))) ?? Data(),
        stderr: stderr),
      peakKiB: peak)
  }
}
