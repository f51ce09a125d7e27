import Foundation

/// Runs shell pipelines the way a user would, with the built tools first on `PATH`.
enum Shell {
  struct Result {
    var status: Int32
    var stdout: Data
    var stderr: String
    var output: String { String(decoding: stdout, as: UTF8.self) }
    var lines: [String] { output.split(separator: "\n").map(String.init) }
  }

  /// The directory holding the built executables: the test bundle's own directory.
  static let productsDirectory: URL = {
    let executable = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
    return executable.deletingLastPathComponent()
  }()

  /// The tests' one shell wait: a function `waituntil COMMAND [ARGUMENTS]` that runs the
  /// command every 50 ms until it succeeds (status 0) or 10 s have passed (status 1): a guard
  /// against hangs, not a timing assertion.
  static let waitUntil = """
    waituntil() { i=0; while [ $i -lt 200 ]; do "$@" && return 0; sleep 0.05; i=$((i+1)); done; \
    return 1; }
    """

  /// Whether a command is on the machine (tshark, sox, editcap), for tests that use it as an
  /// oracle.
  static func has(_ command: String) -> Bool {
    run("command -v \(command)").status == 0
  }

  /// Runs `command` with `/bin/sh -c` in `directory`, standard input from `/dev/null` unless
  /// `input` is given.
  @discardableResult
  static func run(_ command: String, input: Data? = nil, in directory: URL? = nil) -> Result {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/bin/sh")
    process.arguments = ["-c", command]
    var environment = ProcessInfo.processInfo.environment
    environment["PATH"] = productsDirectory.path + ":" + (environment["PATH"] ?? "/usr/bin:/bin")
    environment["SWIFT_BACKTRACE"] = "enable=no"
    process.environment = environment
    if let directory { process.currentDirectoryURL = directory }
    let scratch = temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: scratch) }
    let outURL = scratch.appendingPathComponent("stdout")
    let errURL = scratch.appendingPathComponent("stderr")
    _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
    _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
    guard let out = try? FileHandle(forWritingTo: outURL),
      let err = try? FileHandle(forWritingTo: errURL)
    else {
      return Result(status: -1, stdout: Data(), stderr: "cannot create scratch files")
    }
    process.standardOutput = out
    process.standardError = err
    if let input {
      let inURL = scratch.appendingPathComponent("stdin")
      _ = FileManager.default.createFile(atPath: inURL.path, contents: input)
      process.standardInput = FileHandle(forReadingAtPath: inURL.path)
    } else {
      process.standardInput = FileHandle(forReadingAtPath: "/dev/null")
    }
    do {
      try process.run()
    } catch {
      return Result(status: -1, stdout: Data(), stderr: "cannot run /bin/sh: \(error)")
    }
    process.waitUntilExit()
    try? out.close()
    try? err.close()
    return Result(
      status: process.terminationStatus,
      stdout: (try? Data(contentsOf: outURL)) ?? Data(),
      stderr: String(decoding: (try? Data(contentsOf: errURL)) ?? Data(), as: UTF8.self))
  }

  /// A fresh temporary directory, removed by the caller with `cleanUp`.
  static func temporaryDirectory() -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent(
      "rtpsynth-tests-\(UUID().uuidString)")
    try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
  }
}
