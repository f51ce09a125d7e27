import ArgumentParser
import RTPCore

/// A tool's command: parse arguments with ArgumentParser, then ``execute()``, reporting any
/// failure as one line on standard error and the documented exit status.
public protocol ToolCommand: ParsableCommand {
  /// The tool's work. Throw ``ToolFailure`` for a reportable failure.
  mutating func execute() throws
}

extension ToolCommand {
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
