import ArgumentParser
import RTPIO

#if canImport(Glibc)
  import Glibc
  private let terminate = Glibc.exit
#elseif canImport(Musl)
  import Musl
  private let terminate = Musl.exit
#elseif canImport(Darwin)
  import Darwin
  private let terminate = Darwin.exit
#endif

/// A tool's command: parse arguments with ArgumentParser, then ``execute()``, reporting any
/// failure as one line, `tool: what: why`, on standard error and the documented exit status.
public protocol ToolCommand: ParsableCommand {
  /// The tool's work. Throw ``ToolFailure`` for a reportable failure.
  mutating func execute() throws

  /// Whether the tool takes SIGINT and SIGTERM as events (``SignalWaiter``): then they are
  /// blocked first thing, before the command line is parsed, so that one arriving while the
  /// tool starts is kept for it rather than lost (a shell starts background jobs with SIGINT
  /// ignored, and an ignored signal that is not blocked is discarded).
  static var waitsForSignals: Bool { get }
}

extension ToolCommand {
  public static var waitsForSignals: Bool { false }
}

extension ToolCommand {
  /// Parses the command line and runs the tool. Help and version go to standard output with
  /// status 0; a command-line mistake is one line on standard error and status 64.
  public static func main() {
    if waitsForSignals { _ = SignalWaiter() }
    if let message = negativeValue(in: CommandLine.arguments.dropFirst()) {
      Terminal.printError("\(_commandName): \(message) (see '\(_commandName) --help')")
      terminate(ExitStatus.usage.rawValue)
    }
    var command: Self
    do {
      command = try parse()
    } catch {
      finish(with: error)
    }
    do {
      try command.run()
    } catch {
      finish(with: error)
    }
    terminate(0)
  }

  /// The complaint about a long option given a negative number (`--rate -5`), which
  /// ArgumentParser would take for an option and report as a missing value. No option of the
  /// tools takes a negative number, so this is always the user's mistake.
  static func negativeValue(in arguments: ArraySlice<String>) -> String? {
    var previous: String? = nil
    for argument in arguments {
      if argument == "--" { return nil }
      if let option = previous, option.hasPrefix("--"), !option.contains("="),
        argument.hasPrefix("-"), Double(argument.dropFirst()) != nil,
        argument.dropFirst().first?.isNumber == true
      {
        return "\(option) must be positive, not \(argument)"
      }
      previous = argument
    }
    return nil
  }

  private static func finish(with error: Error) -> Never {
    let code = exitCode(for: error)
    if code == .success {
      let text = fullMessage(for: error)
      if !text.isEmpty { print(text) }
      terminate(0)
    }
    // ArgumentParser words some messages over several lines (an unknown shell for
    // --generate-completion-script); a tool's error is one line.
    let message = message(for: error).split(whereSeparator: \.isNewline)
      .map { $0.drop(while: { $0 == " " }) }.joined(separator: " ")
    if !message.isEmpty {
      if code.rawValue == ExitStatus.usage.rawValue {
        Terminal.printError("\(_commandName): \(message) (see '\(_commandName) --help')")
      } else {
        Terminal.printError("\(_commandName): \(message)")
      }
    }
    terminate(code.rawValue)
  }

  public mutating func run() throws {
    Terminal.ignoreBrokenPipeSignal()
    do {
      try execute()
    } catch let failure as ToolFailure {
      Terminal.printError("\(Self._commandName): \(failure.message)")
      throw ExitCode(failure.status.rawValue)
    } catch IOError.brokenPipe {
      // The reader downstream has gone: end quietly, like `cat` does under `head`.
      throw ExitCode.success
    } catch let error as ExitCode {
      throw error
    } catch let error as ValidationError {
      throw error
    } catch {
      Terminal.printError("\(Self._commandName): \(error)")
      throw ExitCode(ExitStatus.software.rawValue)
    }
  }
}
